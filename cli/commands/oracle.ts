/**
 * `pfnlab oracle FILE`: run the scenario in the engine, replay it in the
 * real Linux 6.12 iommufd under QEMU (oracle/), print the first divergence
 * or "identical: N operations". The work runs in a child process
 * (`oracle/run-all.ts --file`, through tsx): the replay records the engine
 * objects themselves, outside the worker, and its SES lockdown must not
 * touch this process. It needs the PFN Lab source tree (the kernel config,
 * the driver's C source).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { numberOpt, oneFile, parseArgs, type OptionSpec } from '../args';
import { EXIT_FAIL, EXIT_OK, readScenario, stdio, type Io } from './shared';

export const ORACLE_HELP = `Usage: pfnlab oracle FILE [options]

Replay a scenario in the real kernel: run it in the engine, turn every lab
call into an operation of the oracle's script (docs/ORACLE-SCRIPT.md), run
the script in Linux 6.12 with iommufd's test mode under QEMU, and compare
op by op (ok or errno, IOVAs, lengths, ids, bytes, IOVA ranges, locked and
pinned memory; physical addresses as relations). Prints "identical: N
operations" or the first divergence (op, seq, scenario line, engine result,
kernel result). Known, documented kernel differences are named, not hidden
(docs/kernel-differences.md). The first use builds the kernel (minutes;
cached in $PFNLAB_ORACLE_CACHE or ~/.cache/pfnlab-oracle). Needs the PFN Lab
source tree.

Options:
  --json            print the report as one JSON object (status, compared, divergence, allowed, engineOnly, script, …)
  --seed N          machine seed (default 1)
  --dry-run         no guest: the engine answers for the kernel (shows the translation works)
  --script          also print the operation script sent
  --help            this text

Exit status: 0 identical (documented differences allowed), 1 differs, not
kernel-runnable or the guest failed, 2 usage error.
`;

export const ORACLE_SPEC: OptionSpec = {
  flags: ['json', 'help', 'dry-run', 'script'],
  values: { seed: 'int' },
};

/** The source tree's root: the first ancestor of this file with oracle/run-all.ts. */
function sourceRoot(): string | null {
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(d, 'oracle', 'run-all.ts'))) return d;
    d = dirname(d);
  }
  return null;
}

export async function oracleCommand(argv: readonly string[], io: Io = stdio): Promise<number> {
  const p = parseArgs(argv, ORACLE_SPEC);
  if (p.flags.has('help')) {
    io.out(ORACLE_HELP);
    return EXIT_OK;
  }
  const file = oneFile(p, 'oracle');
  readScenario(file); // usage error when unreadable
  const root = sourceRoot();
  if (root === null) {
    io.err(
      'pfnlab oracle: needs the PFN Lab source tree (oracle/: the kernel config and the driver source)\n',
    );
    return EXIT_FAIL;
  }
  const args = ['--import', 'tsx', join(root, 'oracle', 'run-all.ts'), '--file', resolve(file)];
  for (const f of ['json', 'dry-run', 'script']) if (p.flags.has(f)) args.push(`--${f}`);
  const seed = numberOpt(p, 'seed');
  if (seed !== undefined) args.push('--seed', String(seed));
  return new Promise<number>((done) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (b: Buffer) => io.out(b.toString()));
    child.stderr.on('data', (b: Buffer) => io.err(b.toString()));
    child.on('error', (e) => {
      io.err(`pfnlab oracle: ${e.message}\n`);
      done(EXIT_FAIL);
    });
    child.on('close', (code) => done(code === 0 ? EXIT_OK : EXIT_FAIL));
  });
}
