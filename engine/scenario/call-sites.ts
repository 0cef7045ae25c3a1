/// <reference path="./sucrase-parser.d.ts" />
/**
 * Call sites injected at transpile time, so that a `lab` call knows where it
 * was made without capturing a stack (a V8 stack under SES's taming costs
 * tens of µs; a lab call may cost 2).
 *
 * The transpiled scenario is tokenized with sucrase's own parser (strings,
 * templates and regular expressions are told apart from code exactly) and
 * every call passes through HOOK(k, v), which stores k in the run's
 * "current call site" slot and returns v, placed so that it runs after the
 * callee and every argument are evaluated (a lab call nested in the
 * arguments has already run and recorded its own site) and right before the
 * call: `f(a, HOOK(k, b))`, `o[HOOK(k, "m")]()` (instrumentCall);
 * site k is the position V8 itself reports for that call (the property name
 * of `a.b(…)`, the identifier of `f(…)`, else the `(`), mapped back to the
 * TypeScript source: what a stack capture at the call gave.
 *
 * The same pass escapes, inside string, template and regular-expression
 * literals, the text SES rejects without parsing (`import(`, `<!--`, `-->`),
 * keeping the literal's value: a log message may say "import(" while a real
 * `import()` is still refused. Both edits move columns; the column map is
 * composed so that error stacks of the rewritten code still map to the
 * source (source-map.ts).
 */
import { parse } from 'sucrase/dist/parser/index.js';
import { TokenType as tt } from 'sucrase/dist/parser/tokenizer/types.js';
import { ScenarioError } from './scenario-error';
import { originalColumn, type LineMappings } from './source-map';

export interface Instrumented {
  code: string;
  /** Columns of `code` back to the scenario source. */
  mappings: LineMappings;
  /** Site k at [2k] (line) and [2k + 1] (column): 1-based source positions. */
  sites: Int32Array;
}

/** How edits at the same offset are ordered (see `byOffset`). */
const CLOSE = 0;
const MAP = 1;
const OPEN = 2;

interface Edit {
  /** Offset in the input and the number of characters replaced there (0: an insertion). */
  at: number;
  remove: number;
  text: string;
  kind: number;
  /** Emission order. */
  n: number;
  /** A MAP edit: the column right after it maps to the source column of this input offset. */
  mapTo?: number;
}

/**
 * At one offset: closing parentheses first (inner constructs were emitted
 * first), then column overrides, then openings, outer first (emitted last).
 */
function byOffset(a: Edit, b: Edit): number {
  if (a.at !== b.at) return a.at - b.at;
  if (a.kind !== b.kind) return a.kind - b.kind;
  return a.kind === OPEN ? b.n - a.n : a.n - b.n;
}

/** `import(` / `import//` / `import/*` (SES's pattern), `<!--`, `-->`: the character to escape. */
const REJECTED = /\bimport(?=\s*(?:\(|\/[/*]))|<!--|-->/g;

function escapeLiteral(text: string, start: number, edits: Edit[]): void {
  REJECTED.lastIndex = 0;
  for (let m = REJECTED.exec(text); m !== null; m = REJECTED.exec(text)) {
    const s = m[0];
    // one character of each, as a \x escape: same value in strings, templates and regexps
    const [i, esc] = s === '<!--' ? [1, '\\x21'] : s === '-->' ? [2, '\\x3e'] : [3, '\\x6f'];
    edits.push({ at: start + m.index + i, remove: 1, text: esc, kind: CLOSE, n: edits.length });
  }
}

function lineStarts(code: string): number[] {
  const starts = [0];
  for (let i = code.indexOf('\n'); i >= 0; i = code.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** 0-based line of offset `at` (binary search). */
function lineOf(starts: number[], at: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

interface ParsedToken {
  type: number;
  start: number;
  end: number;
  subscriptStartIndex: number | null;
  identifierRole: number | null;
}

function tokensOf(code: string): ParsedToken[] {
  try {
    return parse(code, false, false, false).tokens;
  } catch (e) {
    // sucrase already parsed the TypeScript; its JavaScript output should parse too
    const msg = e instanceof Error ? e.message : String(e);
    throw new ScenarioError('SyntaxError', `syntax error: ${msg.replace(/\s*\(\d+:\d+\)$/, '')}`, 0, 0);
  }
}

/** Offset of the position V8 reports for the call whose `(` is token p. */
function callPosition(tokens: ParsedToken[], p: number): number {
  const open = tokens[p] as ParsedToken;
  const prev = tokens[p - 1];
  if (prev === undefined || open.subscriptStartIndex === null) return open.start; // f?.(…)
  const before = tokens[p - 2];
  if (prev.type === tt.name) {
    if (before !== undefined && (before.type === tt.dot || before.type === tt.questionDot)) return prev.start;
    if (before !== undefined && before.type === tt.hash && tokens[p - 3]?.type === tt.dot)
      return before.start;
    if (open.subscriptStartIndex === p - 1) return prev.start; // a plain identifier
  }
  return open.start; // a[k](…), f()(…), (expr)(…)
}

/** An open bracket while scanning; a parenthesis keeps its last two top-level commas. */
interface Open {
  index: number;
  type: number;
  comma: number;
  comma2: number;
}

/** Roles of a token that declares its name (sucrase's IdentifierRole: 2-7, 9). */
const DECLARES = new Set([2, 3, 4, 5, 6, 7, 9]);

/**
 * The instrumented code; `hook` is the global each call site calls
 * (sandbox.ts's SITE_HOOK). The hook and each of `globals` the scenario never
 * declares get a top-level `const` alias on line 1: SES resolves a global
 * through its scope objects (~1 µs a lookup), a local in a slot.
 */
export function instrument(
  js: string,
  mappings: LineMappings,
  hook: string,
  globals: readonly string[] = [],
): Instrumented {
  const tokens = tokensOf(js);
  const declared = new Set<string>();
  for (const t of tokens) {
    if (t.type === tt.name && t.identifierRole !== null && DECLARES.has(t.identifierRole)) {
      declared.add(js.slice(t.start, t.end));
    }
  }
  const alias = js.startsWith('#!') || declared.has(`${hook}$`) ? hook : `${hook}$`;
  const aliased = globals.filter((g) => !declared.has(g) && alias !== hook);
  const prelude =
    alias === hook
      ? ''
      : `const ${[`${alias} = ${hook}`, ...aliased.map((g) => `${g} = globalThis.${g}`)].join(', ')}; `;
  hook = alias;
  const starts = lineStarts(js);
  const edits: Edit[] = [];
  const sites: number[] = [];
  const stack: Open[] = [];
  /** For each `)`, its `(`. */
  const opens = new Int32Array(tokens.length).fill(-1);
  const emit = (at: number, remove: number, text: string, kind: number, mapTo?: number): void => {
    edits.push({ at, remove, text, kind, n: edits.length, mapTo });
  };
  if (prelude !== '') edits.push({ at: 0, remove: 0, text: prelude, kind: OPEN, n: Infinity });
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as ParsedToken;
    switch (t.type) {
      case tt.string:
      case tt.template:
      case tt.regexp:
        escapeLiteral(js.slice(t.start, t.end), t.start, edits);
        break;
      case tt.parenL:
      case tt.bracketL:
      case tt.braceL:
      case tt.dollarBraceL:
        stack.push({ index: i, type: t.type, comma: -1, comma2: -1 });
        break;
      case tt.comma: {
        const top = stack[stack.length - 1];
        if (top !== undefined && top.type === tt.parenL) {
          top.comma2 = top.comma;
          top.comma = i;
        }
        break;
      }
      case tt.bracketR:
      case tt.braceR:
        stack.pop();
        break;
      case tt.parenR: {
        const o = stack.pop();
        if (o === undefined || o.type !== tt.parenL) break;
        const p = o.index;
        opens[i] = p;
        const po = tokens[p] as ParsedToken;
        const optional = tokens[p - 1]?.type === tt.questionDot;
        if (po.subscriptStartIndex === null && !optional) break; // not a call
        const at = callPosition(tokens, p);
        const line = lineOf(starts, at);
        sites.push(line + 1, originalColumn(mappings, line + 1, at - (starts[line] as number) + 1));
        const k = sites.length / 2 - 1;
        instrumentCall(js, tokens, opens, p, i, o, `${hook}(${k}`, emit, optional);
        break;
      }
      default:
        break;
    }
  }
  edits.sort(byOffset);
  return {
    code: applyEdits(js, edits),
    mappings: composeMappings(starts, mappings, edits),
    sites: Int32Array.from(sites),
  };
}

type Emit = (at: number, remove: number, text: string, kind: number, mapTo?: number) => void;

/**
 * Make the call whose parentheses are tokens p and close record site k
 * (`call` is the hook call's text without its closing parenthesis), after
 * its callee and arguments are evaluated and right before it is made:
 *
 * - with arguments: the last one is passed through the hook,
 *   `f(a, HOOK(k, b))` (`...HOOK(k, xs)` for a spread);
 * - without: the property name goes through it, `o[HOOK(k, "m")]()`, the
 *   computed key `o[HOOK(k, key)]()`, any other callee `HOOK(k, f)()`; V8
 *   then reports the call at its `(`, so that column maps to where it
 *   reported the original call;
 * - else (`f?.()`, `o.#m()`, a callee in an optional chain, names broken
 *   over lines): an empty spread, `f(...HOOK(k, []))`, slower under SES.
 */
function instrumentCall(
  js: string,
  tokens: ParsedToken[],
  opens: Int32Array,
  p: number,
  close: number,
  o: Open,
  call: string,
  emit: Emit,
  optional: boolean,
): void {
  const po = tokens[p] as ParsedToken;
  if (close > p + 1) {
    // the last argument: after the last top-level comma, unless that one is trailing
    const trailing = o.comma === close - 1;
    const comma = trailing ? o.comma2 : o.comma;
    const first = comma >= 0 ? comma + 1 : p + 1;
    const last = trailing ? close - 2 : close - 1;
    const ft = tokens[first] as ParsedToken;
    const at = ft.type === tt.ellipsis ? (tokens[first + 1] as ParsedToken).start : ft.start;
    emit(at, 0, `${call}, `, OPEN);
    emit((tokens[last] as ParsedToken).end, 0, ')', CLOSE);
    return;
  }
  const prev = tokens[p - 1] as ParsedToken;
  const before = tokens[p - 2] ?? po;
  const chainStart = po.subscriptStartIndex;
  if (!optional && chainStart !== null) {
    const adjacent = prev.end === po.start;
    const name = (): string => `[${call}, "${js.slice(prev.start, prev.end)}")]`;
    if (prev.type === tt.name && adjacent) {
      // o.m() → o[HOOK(k, "m")](), o?.m() → o?.[HOOK(k, "m")]()
      if (p >= 2 && before.type === tt.dot && before.subscriptStartIndex !== null) {
        if (!/[\n\r\u2028\u2029]/.test(js.slice(before.start, prev.end))) {
          emit(before.start, prev.end - before.start, name(), OPEN);
          mapParen(po, prev.start, emit);
          return;
        }
      } else if (p >= 2 && before.type === tt.questionDot) {
        emit(prev.start, prev.end - prev.start, name(), OPEN);
        mapParen(po, prev.start, emit);
        return;
      } else if (chainStart === p - 1) {
        // f() → HOOK(k, f)()
        emit(prev.start, 0, `${call}, `, OPEN);
        emit(prev.end, 0, ')', CLOSE);
        mapParen(po, prev.start, emit);
        return;
      }
    }
    if (prev.type === tt.bracketR) {
      // o[key]() → o[HOOK(k, key)](); V8 reports the `(` either way
      let depth = 0;
      let j = p - 1;
      for (; j > chainStart; j--) {
        const ty = (tokens[j] as ParsedToken).type;
        if (ty === tt.bracketR) depth++;
        else if (ty === tt.bracketL && --depth === 0) break;
      }
      if (
        depth === 0 &&
        j > chainStart &&
        j + 1 < p - 1 &&
        (tokens[j] as ParsedToken).subscriptStartIndex !== null
      ) {
        emit((tokens[j + 1] as ParsedToken).start, 0, `${call}, `, OPEN);
        emit(before.end, 0, ')', CLOSE);
        return;
      }
    }
    if (
      prev.type === tt.parenR &&
      (tokens[opens[p - 1] as number] as ParsedToken).subscriptStartIndex !== null
    ) {
      // f()() → HOOK(k, f())(): the callee is a call's result (no `this` to keep)
      let inChain = false;
      for (let j = chainStart; j < p; j++)
        if ((tokens[j] as ParsedToken).type === tt.questionDot) inChain = true;
      const head = tokens[chainStart] as ParsedToken;
      if (!inChain && head.type !== tt._new && head.type !== tt._super && head.type !== tt._import) {
        emit(head.start, 0, `${call}, `, OPEN);
        emit(prev.end, 0, ')', CLOSE);
        return;
      }
    }
  }
  emit((tokens[close] as ParsedToken).start, 0, `...${call}, [])`, OPEN);
}

/** V8 reports a rewritten zero-argument call at its `(`: map that column to where it reported the original. */
function mapParen(po: ParsedToken, reported: number, emit: Emit): void {
  emit(po.start, 0, '', MAP, reported);
  emit(po.start + 1, 0, '', MAP, po.start + 1);
}

function applyEdits(js: string, edits: Edit[]): string {
  let out = '';
  let from = 0;
  for (const e of edits) {
    out += js.slice(from, e.at) + e.text;
    from = e.at + e.remove;
  }
  return out + js.slice(from);
}

/**
 * The column map of the edited code: each edited line's segments are the
 * old ones moved right by the edits before them, plus a segment at each
 * edit's start and end, so that a column past an edit lands where it was.
 */
function composeMappings(starts: number[], mappings: LineMappings, edits: Edit[]): LineMappings {
  if (edits.length === 0) return mappings;
  const out: LineMappings = [];
  const nlines = starts.length;
  for (let l = 0; l < nlines; l++) out.push(mappings[l] ?? []);
  let e = 0;
  while (e < edits.length) {
    const line = lineOf(starts, (edits[e] as Edit).at);
    const base = starts[line] as number;
    const lineEdits: Edit[] = [];
    while (e < edits.length && lineOf(starts, (edits[e] as Edit).at) === line)
      lineEdits.push(edits[e++] as Edit);
    const src0 = (col0: number): number => originalColumn(mappings, line + 1, col0 + 1) - 1;
    const old = mappings[line] ?? [];
    const segs: Array<[number, number]> = [];
    let shift = 0;
    let k = 0;
    const oldSegs: Array<[number, number]> = old.length > 0 ? old : [[0, 0]];
    for (const edit of lineEdits) {
      const c = edit.at - base;
      while (k < oldSegs.length && (oldSegs[k] as [number, number])[0] <= c) {
        const s = oldSegs[k++] as [number, number];
        segs.push([s[0] + shift, s[1]]);
      }
      segs.push([c + shift, src0(c)]);
      shift += edit.text.length - edit.remove;
      // skip old segments inside a replaced range
      while (k < oldSegs.length && (oldSegs[k] as [number, number])[0] < c + edit.remove) k++;
      segs.push([
        c + edit.remove + shift,
        src0(edit.mapTo === undefined ? c + edit.remove : edit.mapTo - base),
      ]);
    }
    while (k < oldSegs.length) {
      const s = oldSegs[k++] as [number, number];
      segs.push([s[0] + shift, s[1]]);
    }
    // later segments at the same column win (originalColumn takes the last one <= col)
    const dedup: Array<[number, number]> = [];
    for (const s of segs) {
      const last = dedup[dedup.length - 1];
      if (last !== undefined && last[0] === s[0]) dedup[dedup.length - 1] = s;
      else dedup.push(s);
    }
    out[line] = dedup;
  }
  return out;
}
