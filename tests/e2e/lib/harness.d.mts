/** Declarations of the parts of harness.mjs that TypeScript callers (bench/ui.ts) use. */
import type { Server } from 'node:http';
import type { BrowserContext } from 'playwright-core';

export const CHROMIUM: string;
export const FLAGS: string[];
/** Serve `dir` on 127.0.0.1 (a free port); resolves to the server. */
export function serve(dir: string): Promise<Server>;
/** Launch Chromium with a fresh profile in `userDataDir`. */
export function launch(
  userDataDir: string,
  viewport?: { width: number; height: number },
): Promise<BrowserContext>;
