/**
 * `pfnlab run` start-up: wall time from spawning `node bin/pfnlab.mjs run
 * FILE` to the first byte of its output, on a scenario whose first statement
 * is `lab.log(...)` (its `runLog` event, the run's first event), from a
 * working directory outside the project. Measured for the CLI built to
 * JavaScript (dist-cli/, rebuilt first, copied into an installed-package layout)
 * — what an installed `pfnlab` runs —
 * with the default type check (its child starts after the first event), and
 * for comparison from the TypeScript sources through tsx. Target: < 300 ms.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'pfnlab.mjs');
const TARGET_MS = 300;

interface Sample {
  firstMs: number;
  exitMs: number;
}

/** One `pfnlab run`: ms to its first stdout byte and to its exit. */
function once(bin: string, cwd: string, file: string, env: NodeJS.ProcessEnv): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let firstMs = -1;
    const child = spawn(process.execPath, [bin, 'run', file], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      if (firstMs < 0) firstMs = performance.now() - t0;
      out += s;
    });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 || !out.startsWith('first event'))
        reject(new Error(`pfnlab run: exit ${code}: ${out}${err}`));
      else resolve({ firstMs, exitMs: performance.now() - t0 });
    });
  });
}

/** ms from spawning `node FILE` to its first stdout byte. */
function nodeFirstByte(cwd: string, file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [file], { cwd, stdio: ['ignore', 'pipe', 'ignore'] });
    let ms = -1;
    child.stdout.on('data', () => {
      if (ms < 0) ms = performance.now() - t0;
    });
    child.on('error', reject);
    child.on('close', () => resolve(ms));
  });
}

/**
 * The files an installed package has (bin/, dist-cli/, lab.d.ts, package.json),
 * node_modules linked: the build runs whatever sources others edit meanwhile
 * (in the source tree a newer source would switch bin to tsx). Returns its bin.
 */
function installedLayout(dir: string): string {
  const pkg = join(dir, 'pkg');
  for (const p of ['bin', 'dist-cli', 'package.json', 'engine/scenario/api/lab.d.ts'])
    cpSync(join(ROOT, p), join(pkg, p), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
  return join(pkg, 'bin', 'pfnlab.mjs');
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

async function series(
  label: string,
  n: number,
  bin: string,
  cwd: string,
  file: string,
  env: NodeJS.ProcessEnv,
) {
  await once(bin, cwd, file, env); // warm the file cache
  const samples: Sample[] = [];
  for (let i = 0; i < n; i++) samples.push(await once(bin, cwd, file, env));
  const first = samples.map((s) => s.firstMs);
  const med = median(first);
  console.log(
    `${label}: first event ${med.toFixed(0)} ms median (min ${Math.min(...first).toFixed(0)}, ` +
      `max ${Math.max(...first).toFixed(0)}, n=${n}), target ${TARGET_MS} ms, ratio ${(med / TARGET_MS).toFixed(2)}; ` +
      `exit after ${median(samples.map((s) => s.exitMs)).toFixed(0)} ms (type check included)`,
  );
}

export async function run(): Promise<void> {
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-cli.mjs')], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build:cli failed: ${build.stderr}`);
  console.log(build.stdout.trim());
  const dir = mkdtempSync(join(tmpdir(), 'pfnlab-bench-'));
  try {
    const file = join(dir, 'trivial.ts');
    writeFileSync(file, "lab.log('first event');\nconst fd: Iommufd = lab.open();\nfd.close();\n");
    const env = { ...process.env, PFNLAB_FROM_SOURCE: '' };
    // the floor on this machine right now: node itself, spawned the same way, printing at once
    const bare = join(dir, 'bare.mjs');
    writeFileSync(bare, "console.log('first event');\n");
    const floor: number[] = [];
    for (let i = 0; i < 5; i++) floor.push(await nodeFirstByte(dir, bare));
    console.log(`node itself (spawn to its first output here): ${median(floor).toFixed(0)} ms median`);
    await series('pfnlab run, built (dist-cli, installed layout)', 10, installedLayout(dir), dir, file, env);
    await series('pfnlab run, from source (tsx)', 3, BIN, dir, file, { ...env, PFNLAB_FROM_SOURCE: '1' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
