/** Which help dialog is open (the shortcuts overlay, What is emulated, Documentation, About), if any. */
import { defineStore } from 'pinia';

export type HelpView = 'shortcuts' | 'emulated' | 'docs' | 'about';

export const useHelpStore = defineStore('help', {
  state: () => ({ open: null as HelpView | null }),
  actions: {
    show(view: HelpView): void {
      this.open = view;
    },
    /** `?` again closes the overlay it opened. */
    toggle(view: HelpView): void {
      this.open = this.open === view ? null : view;
    },
    close(): void {
      this.open = null;
    },
  },
});
