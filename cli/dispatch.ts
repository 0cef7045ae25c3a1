/** Command dispatch of pfnlab: `main(argv)` → exit status. */
import { UsageError } from './args';
import { benchCommand, BENCH_HELP } from './commands/bench';
import { captureCommand, CAPTURE_HELP } from './commands/capture';
import { checkCommand, CHECK_HELP } from './commands/check';
import { failnthCommand, FAILNTH_HELP } from './commands/failnth';
import { oracleCommand, ORACLE_HELP } from './commands/oracle';
import { runCommand, RUN_HELP } from './commands/run';
import { showCommand, SHOW_HELP } from './commands/show';
import { EXIT_OK, EXIT_USAGE, stdio, type Io } from './commands/shared';

export const MAIN_HELP = `Usage: pfnlab COMMAND [options]

Commands:
  run FILE       run a scenario (--json, --seed N, --check, --trace OUT.json, --csv OUT.csv, --timeout S);
                 its type errors are printed as warnings (--no-typecheck skips the check);
                 --save RUN.pfnrun.json writes the run file
  show RUN       print a saved run as \`run\` printed it (--json, --trace, --csv), without running it
  failnth FILE   fail every fallible step of a scenario in turn and check nothing leaks
  check FILE     type-check a scenario against the lab API declarations
  oracle FILE    replay a scenario in the real Linux iommufd (QEMU) and diff it op by op (--json, --seed N)
  capture --pid PID [--range ADDR-ADDR] [--out FILE]
                 write the real PFN runs behind a process's memory as a layout file (root)
  bench [--quick] [--strategies …] [--out DIR] [--json]
                 the performance study: strategies x domains x backings x sizes x operations

Run \`pfnlab COMMAND --help\` for the options of a command.
Exit status: 0 success, 1 failure, 2 usage error, 3 not a valid run file (show).
`;

const COMMANDS: Record<string, { run: (argv: readonly string[], io: Io) => Promise<number>; help: string }> =
  {
    run: { run: runCommand, help: RUN_HELP },
    failnth: { run: failnthCommand, help: FAILNTH_HELP },
    check: { run: checkCommand, help: CHECK_HELP },
    show: { run: showCommand, help: SHOW_HELP },
    capture: { run: captureCommand, help: CAPTURE_HELP },
    bench: { run: benchCommand, help: BENCH_HELP },
    oracle: { run: oracleCommand, help: ORACLE_HELP },
  };

export async function main(argv: readonly string[], io: Io = stdio): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    const topic = cmd === 'help' && rest[0] !== undefined ? COMMANDS[rest[0]] : undefined;
    io.out(topic ? topic.help : MAIN_HELP);
    return cmd === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = Object.prototype.hasOwnProperty.call(COMMANDS, cmd) ? COMMANDS[cmd] : undefined;
  if (!command) {
    io.err(`pfnlab: unknown command '${cmd}'\n\n${MAIN_HELP}`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`pfnlab ${cmd}: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
}
