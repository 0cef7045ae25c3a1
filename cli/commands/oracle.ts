/**
 * `pfnlab oracle FILE`: run the scenario in the engine, replay it in the
 * real Linux 6.12 iommufd under QEMU (oracle/), print the first divergence
 * or "identical: N operations". The engine runs in this process (SES
 * lockdown first, loaded only by this command), not in the worker: the
 * replay needs the engine objects themselves (oracle/replay/record.ts).
 */
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
cached in $PFNLAB_ORACLE_CACHE or ~/.cache/pfnlab-oracle).

Options:
  --json            print one JSON object (the report: status, compared, divergence, allowed, engineOnly, …)
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

export async function oracleCommand(argv: readonly string[], io: Io = stdio): Promise<number> {
  const p = parseArgs(argv, ORACLE_SPEC);
  if (p.flags.has('help')) {
    io.out(ORACLE_HELP);
    return EXIT_OK;
  }
  const file = oneFile(p, 'oracle');
  const { source, fileName } = readScenario(file);
  await import('../../engine/scenario/testing/lockdown');
  const { oracleReplay } = await import('../../oracle/replay/replay');
  const { formatReport } = await import('../../oracle/replay/format');
  const json = p.flags.has('json');
  const [r] = await oracleReplay([{ name: fileName, source, seed: numberOpt(p, 'seed') }], {
    dryRun: p.flags.has('dry-run'),
    keepText: p.flags.has('script') || json,
    log: json ? undefined : (l) => io.err(`${l}\n`),
  });
  if (!r) return EXIT_FAIL;
  if (json) io.out(`${JSON.stringify(r)}\n`);
  else {
    if (p.flags.has('script') && r.script !== undefined) io.out(r.script);
    io.out(formatReport(r));
  }
  return r.status === 'identical' ? EXIT_OK : EXIT_FAIL;
}
