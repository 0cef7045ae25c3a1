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

/** V8's extensions of the Error constructor (absent on other engines). */
interface V8ErrorConstructor {
  stackTraceLimit: number;
  captureStackTrace?: (target: object) => void;
}

const HERE_FRAMES = 8;

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

  /**
   * Position of the scenario frame that is calling the current function.
   * The scenario frame is at most ~6 frames up (here ← context ← call ←
   * facade method ← setter ← scenario), so a short capture is enough and
   * V8's captureStackTrace on a plain object skips the Error constructor.
   */
  here(): SourcePosition | null {
    const E = Error as unknown as V8ErrorConstructor;
    if (typeof E.captureStackTrace !== 'function') return this.fromStack(new Error().stack);
    const holder: { stack?: unknown } = {};
    const limit = E.stackTraceLimit;
    E.stackTraceLimit = HERE_FRAMES;
    try {
      E.captureStackTrace(holder);
    } finally {
      E.stackTraceLimit = limit;
    }
    return this.fromStack(holder.stack);
  }
}
