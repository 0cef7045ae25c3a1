/** Declarations of scripts/electron-start.mjs (for its tests). */
export function electronBinary(electronDir?: string): string | null;
export function missingElectronMessage(detail?: string): string;
