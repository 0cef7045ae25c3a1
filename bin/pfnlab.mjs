#!/usr/bin/env node
// `pfnlab`: runs the CLI built to JavaScript (dist-cli/: `npm run build:cli`,
// made by `prepack` for the package). In the source tree it runs that build
// only while no source it was built from is newer (dist-cli/inputs.json);
// otherwise, and under PFNLAB_FROM_SOURCE=1, it loads the TypeScript sources
// through tsx (a devDependency). Only when neither is possible does it fail,
// saying how to fix it.
import { existsSync, readFileSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const built = new URL('dist-cli/main.js', root);
const source = new URL('cli/main.ts', root);

/** Why the build cannot be used, or null when it can. */
function buildProblem() {
  if (!existsSync(built)) return 'dist-cli/ is missing';
  if (!existsSync(source)) return null; // an installed package: the build is all there is
  if (process.env.PFNLAB_FROM_SOURCE === '1') return 'PFNLAB_FROM_SOURCE=1';
  try {
    const { builtAt, inputs } = JSON.parse(readFileSync(new URL('dist-cli/inputs.json', root), 'utf8'));
    const newer = inputs.find((p) => !(statSync(new URL(p, root)).mtimeMs <= builtAt));
    return newer === undefined ? null : `dist-cli/ is older than ${newer}`;
  } catch (e) {
    return `dist-cli/inputs.json is unreadable or names a missing source (${e.code ?? e.message})`;
  }
}

const problem = buildProblem();
if (problem === null) {
  process.setSourceMapsEnabled(true); // the CLI's own errors name .ts lines
  await import(built.href);
} else if (!existsSync(source)) {
  process.stderr.write(
    `pfnlab: cannot start: ${problem} and this copy has no sources: reinstall the package.\n`,
  );
  process.exit(1);
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch (e) {
    process.stderr.write(
      `pfnlab: cannot start: ${problem}, and the TypeScript sources cannot be loaded without tsx (${e.code ?? e.message}).\n` +
        `In the source tree run \`npm ci\` (tsx is a devDependency) or \`npm run build:cli\`.\n`,
    );
    process.exit(1);
  }
  register();
  await import(source.href);
}
