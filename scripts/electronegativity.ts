/**
 * `npm run lint:electron`: Electronegativity (Doyensec's scanner for Electron
 * misconfigurations) over the main/preload sources and the built app (out/,
 * `npm run build` first), failing on any HIGH or MEDIUM finding. Fetched by
 * npx at a pinned version rather than installed: it drags in its own old
 * ESLint and TypeScript. Run in .github/workflows/ci.yml (Linux).
 *   npx tsx scripts/electronegativity.ts [DIR...]   (default: electron out)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blocking, parseReport, summary, type Finding } from './electronegativity-report';
import { ROOT } from './packaging-config';

const ELECTRONEGATIVITY = '@doyensec/electronegativity@1.10.3';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const electronVersion = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  }
).devDependencies.electron;

const inputs = process.argv.length > 2 ? process.argv.slice(2) : ['electron', 'out'];
const tmp = mkdtempSync(join(tmpdir(), 'pfnlab-electronegativity-'));
const all: Finding[] = [];
let failed = false;
try {
  for (const [i, input] of inputs.entries()) {
    if (!existsSync(join(ROOT, input))) {
      console.error(`${input}: missing${input === 'out' ? ' (run npm run build)' : ''}`);
      failed = true;
      continue;
    }
    const report = join(tmp, `report-${i}.csv`);
    const args = ['--yes', ELECTRONEGATIVITY, '-i', input, '-o', report, '-r', '-e', electronVersion];
    const r = spawnSync(npx, args, {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      shell: process.platform === 'win32',
    });
    if (r.status !== 0 || !existsSync(report)) {
      console.error(`${input}: electronegativity failed (exit ${r.status ?? r.signal})`);
      failed = true;
      continue;
    }
    const findings = parseReport(readFileSync(report, 'utf8'));
    console.log(`${input}: ${summary(findings)}`);
    for (const f of findings)
      console.log(`  ${f.severity} ${f.issue} ${input}/${f.file}:${f.location} ${f.description}`);
    all.push(...findings);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
const bad = blocking(all);
console.log(
  `electronegativity: ${summary(all)}${bad.length > 0 ? ' — HIGH/MEDIUM findings must be fixed' : ''}`,
);
process.exitCode = failed || bad.length > 0 ? 1 : 0;
