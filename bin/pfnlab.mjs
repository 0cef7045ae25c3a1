#!/usr/bin/env node
// `npx pfnlab`: load TypeScript from source with tsx (no build step), then the CLI.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../cli/main.ts', import.meta.url).href);
