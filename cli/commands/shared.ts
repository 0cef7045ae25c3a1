/** What the commands share: reading the scenario file, exit codes, output. */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { UsageError } from '../args';
import { decodeSourceBytes } from '../../engine/scenario/source-text';

export const EXIT_OK = 0;
export const EXIT_FAIL = 1;
export const EXIT_USAGE = 2;

export interface Io {
  out(s: string): void;
  err(s: string): void;
}

export const stdio: Io = {
  out: (s) => void process.stdout.write(s),
  err: (s) => void process.stderr.write(s),
};

export function readScenario(file: string): { source: string; fileName: string } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new UsageError(`cannot read ${file}${code ? ` (${code})` : ''}`);
  }
  // a binary or non-UTF-8 file would reach the transpiler as mojibake: say what it is instead
  const d = decodeSourceBytes(bytes);
  if ('problem' in d) throw new UsageError(`${file}: ${d.problem}`);
  return { source: d.text, fileName: basename(file) };
}
