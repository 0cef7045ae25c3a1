/**
 * Where in the scenario a call or an error happened, from a V8 stack: the
 * frames whose file is exactly the scenario's sourceURL (`at fn (a.ts:12:7)`,
 * `at a.ts:12:7`, `at async fn (a.ts:3:1)`), columns mapped back to the
 * TypeScript source. SES's errorTaming 'unsafe' keeps the stacks. Engine,
 * SES and native frames are skipped, also those of a file whose path merely
 * ends with the scenario's name (`facade/lab.ts` for a scenario `lab.ts`).
 */
import { originalColumn, type LineMappings } from './source-map';

export interface SourcePosition {
  line: number;
  column: number;
}

/** One scenario frame (the shape of runner.ts's StackFrame). */
export interface ScenarioFrame extends SourcePosition {
  /** The function's name: '' at the scenario's top level, '<anonymous>' for an unnamed function. */
  fn: string;
}

/** V8's extensions of the Error constructor (absent on other engines). */
interface V8ErrorConstructor {
  stackTraceLimit: number;
  captureStackTrace?: (target: object) => void;
}

const HERE_FRAMES = 8;

/** How V8 names the frames of code evaluated by SES: the top level, and an unnamed function. */
const TOP_LEVEL = 'Object.eval';
const ANONYMOUS = 'eval';

function digitsAt(s: string, i: number): [number, number] {
  let v = 0;
  let j = i;
  for (; j < s.length; j++) {
    const c = s.charCodeAt(j) - 48;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
  }
  return [j > i ? v : -1, j];
}

function frameName(raw: string): string {
  let fn = raw.replace(/^async /, '').replace(/ \[as [^\]]*\]$/, '');
  if (fn === TOP_LEVEL) fn = '';
  else if (fn === ANONYMOUS || fn === '') fn = '<anonymous>';
  return fn;
}

export class SourceLocator {
  private readonly inParens: string;
  private readonly bare: string;
  private readonly lines: string[] | null;

  constructor(
    readonly sourceUrl: string,
    private readonly mappings: LineMappings,
    /** The scenario source, for sourceText(); optional. */
    source?: string,
  ) {
    this.inParens = `(${sourceUrl}:`;
    this.bare = `at ${sourceUrl}:`;
    this.lines = source === undefined ? null : source.split('\n');
  }

  /** `line:column` right after index i, mapped; null if not digits:digits. */
  private positionAt(stack: string, i: number): SourcePosition | null {
    const [line, j] = digitsAt(stack, i);
    if (line < 0 || stack[j] !== ':') return null;
    const [column] = digitsAt(stack, j + 1);
    if (column < 0) return null;
    return { line, column: originalColumn(this.mappings, line, column) };
  }

  /** Position in the scenario source of the innermost scenario frame of `stack`. */
  fromStack(stack: unknown): SourcePosition | null {
    const f = this.frames(stack)[0];
    return f ? { line: f.line, column: f.column } : null;
  }

  /**
   * fromStack for a stack without a message line (here()'s capture): a scan
   * for the file name instead of a parse of every frame, since every lab call
   * pays for it.
   */
  private firstPosition(stack: unknown): SourcePosition | null {
    if (typeof stack !== 'string') return null;
    let from = 0;
    for (;;) {
      const a = stack.indexOf(this.inParens, from);
      const b = stack.indexOf(this.bare, from);
      if (a < 0 && b < 0) return null;
      const useA = a >= 0 && (b < 0 || a < b);
      const at = useA ? a + this.inParens.length : b + this.bare.length;
      const pos = this.positionAt(stack, at);
      if (pos) return pos;
      from = at;
    }
  }

  /** Every scenario frame of `stack`, innermost first. */
  frames(stack: unknown): ScenarioFrame[] {
    if (typeof stack !== 'string') return [];
    const out: ScenarioFrame[] = [];
    for (const text of stack.split('\n')) {
      const t = text.trim();
      if (!t.startsWith('at ')) continue;
      // `at fn (FILE:L:C)` or `at FILE:L:C`; FILE may itself hold ' (' or ':'
      const open = t.lastIndexOf(` ${this.inParens}`);
      const pos =
        open >= 0
          ? this.positionAt(t, open + 1 + this.inParens.length)
          : t.startsWith(this.bare)
            ? this.positionAt(t, this.bare.length)
            : null;
      if (pos) out.push({ fn: frameName(open >= 0 ? t.slice(3, open) : ''), ...pos });
    }
    return out;
  }

  /** The source text at a 1-based position, up to the end of its line ('' if unknown). */
  sourceText(pos: SourcePosition): string {
    return this.lines?.[pos.line - 1]?.slice(pos.column - 1) ?? '';
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
    return this.firstPosition(holder.stack);
  }
}
