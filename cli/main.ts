/**
 * `npx pfnlab`: the command-line face of PFN Lab. bin/pfnlab.mjs registers
 * tsx and imports this file, so it runs from source right after `npm ci`.
 */
import { main } from './dispatch';

process.exitCode = await main(process.argv.slice(2));
