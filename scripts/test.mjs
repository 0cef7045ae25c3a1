// `npm test`: every check of the project, in order, stopping at the first failure:
// typecheck, lint, unit tests, the desktop build (and checks of its output), the
// browser build, the end-to-end tests in Chromium, and a packaging dry run of the
// desktop build. Add a step to STEPS to extend.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureChromium } from './ensure-chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

/** Run a command; returns its exit code. `capture` tees stdout so a step can inspect it. */
function run(cmd, args, { capture = false } = {}) {
  const r = spawnSync(cmd, args, {
    cwd: root,
    stdio: capture ? ['inherit', 'pipe', 'inherit'] : 'inherit',
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '1' },
  });
  if (capture) process.stdout.write(r.stdout ?? '');
  if (r.error) console.error(r.error.message);
  return { code: r.status ?? 1, stdout: r.stdout ?? '' };
}

/** A summary line "N passed, N failed" with N passed > 0 and 0 failed. */
function summaryOk(stdout, what) {
  const m = /(\d+) passed, (\d+) failed/.exec(stdout);
  if (!m) return `${what}: no summary line`;
  if (Number(m[1]) === 0) return `${what}: no test ran`;
  if (Number(m[2]) !== 0) return `${what}: ${m[2]} failed`;
  return null;
}

function checkDesktopBuild() {
  const want = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
  const missing = want.filter((f) => !existsSync(`${root}/${f}`));
  if (missing.length > 0) return `missing build output: ${missing.join(', ')}`;
  const preload = readFileSync(`${root}/out/preload/index.cjs`, 'utf8');
  const required = [...preload.matchAll(/require\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]);
  const bad = required.filter((r) => r !== 'electron');
  if (bad.length > 0) return `the sandboxed preload requires more than electron: ${bad.join(', ')}`;
  if (/\bimport\s*[{*"']|\bimport\(/.test(preload)) return 'the preload is not CommonJS';
  console.log(`build output present; the preload requires only: ${[...new Set(required)].join(', ')}`);
  return null;
}

const STEPS = [
  [
    'typecheck (tsc node side + vue-tsc renderer)',
    () => run('npm', ['run', '--silent', 'typecheck']).code === 0,
  ],
  ['lint (eslint whole tree, import cycles)', () => run('npm', ['run', '--silent', 'lint']).code === 0],
  ['unit tests (vitest run)', () => run(npx, ['vitest', 'run']).code === 0],
  ['desktop build (electron-vite build)', () => run(npx, ['electron-vite', 'build']).code === 0],
  [
    'desktop build output (main, CommonJS preload, renderer) and its engine worker',
    () => {
      const err = checkDesktopBuild();
      if (err) {
        console.error(err);
        return false;
      }
      const smoke = run('node', ['tests/built/engine-worker.mjs'], { capture: true });
      const bad = summaryOk(smoke.stdout, 'built engine worker');
      if (bad) console.error(bad);
      return smoke.code === 0 && bad === null;
    },
  ],
  [
    'browser build (vite build → dist-web/)',
    () => run(npx, ['vite', 'build', '--config', 'vite.web.config.ts']).code === 0,
  ],
  [
    'end-to-end tests (browser mode in Chromium)',
    () => {
      const missing = ensureChromium();
      if (missing) {
        console.error(missing);
        return false;
      }
      const e2e = run('node', ['tests/e2e/run.mjs'], { capture: true });
      const bad = summaryOk(e2e.stdout, 'e2e');
      if (bad) console.error(bad);
      return e2e.code === 0 && bad === null;
    },
  ],
  // Last, so that the step numbers before it stay (scripts/fresh-clone-check.sh: --from 6;
  // resumed past step 4, it builds the desktop app it packages first).
  [
    'packaging dry run (electron-builder around a stand-in Electron: fuses, app.asar)',
    () => {
      if (!existsSync(`${root}/out/main/index.js`) && run(npx, ['electron-vite', 'build']).code !== 0)
        return false;
      const dry = run(npx, ['tsx', 'scripts/package-dry-run.ts'], { capture: true });
      const bad = summaryOk(dry.stdout, 'packaging dry run');
      if (bad) console.error(bad);
      return dry.code === 0 && bad === null;
    },
  ],
];

// `node scripts/test.mjs --from 4` resumes at step 4 (for local iteration; CI runs all).
const fromArg = process.argv.indexOf('--from');
const from = fromArg > 0 ? Math.max(1, Number(process.argv[fromArg + 1]) || 1) : 1;

const t0 = Date.now();
const done = [];
for (const [i, [name, step]] of STEPS.entries()) {
  if (i + 1 < from) continue;
  const header = `[${i + 1}/${STEPS.length}] ${name}`;
  console.log(`\n${'='.repeat(header.length + 8)}\n=== ${header} ===\n${'='.repeat(header.length + 8)}`);
  const s0 = Date.now();
  const ok = step();
  const secs = ((Date.now() - s0) / 1000).toFixed(1);
  done.push(`${ok ? 'ok  ' : 'FAIL'} ${name} (${secs} s)`);
  if (!ok) {
    console.error(`\nnpm test: FAILED at step ${i + 1}/${STEPS.length}: ${name}`);
    console.log(done.join('\n'));
    process.exit(1);
  }
}
console.log(
  `\n${done.join('\n')}\nnpm test: ${done.length === STEPS.length ? 'all ' : ''}${done.length} steps passed in ${((Date.now() - t0) / 1000).toFixed(0)} s`,
);
