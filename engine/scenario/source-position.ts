/**
 * Where in the scenario a call or an error happened: the first stack frame
 * whose file is the scenario's sourceURL. V8 prints frames as
 * `at fn (scenario.ts:12:7)` or `at scenario.ts:12:7`; SES's errorTaming
 * 'unsafe' keeps them.
 */
import { originalColumn, type LineMappings } from './source-map';

export interface SourcePosition {
  line: number;
  column: number;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class SourceLocator {
  private readonly frame: RegExp;

  constructor(
    readonly sourceUrl: string,
    private readonly mappings: LineMappings,
  ) {
    this.frame = new RegExp(`${escapeRegExp(sourceUrl)}:(\\d+):(\\d+)`);
  }

  /** Position in the scenario source of the innermost scenario frame of `stack`. */
  fromStack(stack: unknown): SourcePosition | null {
    if (typeof stack !== 'string') return null;
    const m = this.frame.exec(stack);
    if (!m) return null;
    const line = Number(m[1]);
    return { line, column: originalColumn(this.mappings, line, Number(m[2])) };
  }

  /** Position of the scenario frame that is calling the current function. */
  here(): SourcePosition | null {
    return this.fromStack(new Error().stack);
  }
}
