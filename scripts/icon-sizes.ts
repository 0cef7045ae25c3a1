/** The icon sizes build/icons/ holds (scripts/make-icons.ts writes them; the packaging test checks them). */

/** Every PNG written, in px: Linux's hicolor sizes up to 512, plus 1024 for macOS's 512@2x. */
export const ICON_SIZES: readonly number[] = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

/** The entries of icon.ico: what Windows asks for (shell, taskbar, installer; 256 for the large views). */
export const ICO_SIZES: readonly number[] = [16, 24, 32, 48, 64, 128, 256];
