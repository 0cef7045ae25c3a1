/**
 * Scenario TypeScript → JavaScript with sucrase (transforms ['typescript']
 * only: types are stripped, nothing else is rewritten). Sucrase keeps every
 * statement on its line, so scenario line numbers survive unchanged; columns
 * move where annotations were removed, and a token alignment of each line
 * with its source line maps them back (source-map.ts says why sucrase's own
 * source map is not used).
 */
import { transform } from 'sucrase';
import { parse } from 'sucrase/dist/parser/index.js';
import { ContextualKeyword } from 'sucrase/dist/parser/tokenizer/keywords.js';
import { TokenType as tt } from 'sucrase/dist/parser/tokenizer/types.js';
import { guardComments } from './comment-guard';
import { ScenarioError } from './scenario-error';
import { alignColumns, type LineMappings } from './source-map';

export interface Transpiled {
  /** JavaScript for Compartment.evaluate (no sourceURL yet). */
  code: string;
  /** Generated line → segments mapping columns back to the source. */
  mappings: LineMappings;
}

/** `export {}` makes a file a module for editors; the sandbox evaluates a script. */
const EMPTY_EXPORT = /^[ \t]*export[ \t]*\{[ \t]*\}[ \t]*;?[ \t]*$/gm;

export function transpile(source: string, fileName = 'scenario.ts'): Transpiled {
  const input = source.replace(EMPTY_EXPORT, '');
  let out;
  try {
    out = transform(input, {
      transforms: ['typescript'],
      disableESTransforms: true,
      keepUnusedImports: true,
      filePath: fileName,
    });
  } catch (e) {
    // sucrase: "Unexpected token (3:5)"; its loc is 1-based line, 0-based column
    const msg = e instanceof Error ? e.message : String(e);
    const loc = (e as { loc?: { line?: unknown; column?: unknown } }).loc;
    const line = typeof loc?.line === 'number' ? loc.line : 0;
    const column = typeof loc?.column === 'number' ? loc.column + 1 : 0;
    throw new ScenarioError(
      'SyntaxError',
      `syntax error: ${msg.replace(/\s*\(\d+:\d+\)$/, '')}`,
      line,
      column,
    );
  }
  rejectNamespaces(input);
  return { code: guardComments(out.code), mappings: alignColumns(input, out.code) };
}

/**
 * Sucrase drops a TypeScript `namespace N { … }` (or `module N { … }`)
 * whole, values included: the scenario would fail later with "cannot read
 * properties of undefined". Refuse it where it is. `declare namespace` holds
 * only types and is fine.
 */
function rejectNamespaces(input: string): void {
  if (!/\b(?:namespace|module)\b/.test(input)) return;
  const tokens = parse(input, false, true, false).tokens;
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === undefined) continue;
    if (t.type === tt.braceL || t.type === tt.dollarBraceL) depth++;
    else if (t.type === tt.braceR) depth--;
    const kw = t.contextualKeyword;
    if (depth !== 0 || !t.isType || (kw !== ContextualKeyword._namespace && kw !== ContextualKeyword._module))
      continue;
    if (tokens[i - 1]?.contextualKeyword === ContextualKeyword._declare) continue;
    let line = 1;
    let col = 1;
    for (let k = 0; k < t.start; k++) {
      if (input.charCodeAt(k) === 10) {
        line++;
        col = 1;
      } else col++;
    }
    const word = input.slice(t.start, t.end);
    throw new ScenarioError(
      'SyntaxError',
      `syntax error: a TypeScript ${word} is not supported in a scenario (its values would be dropped): use a plain object or functions`,
      line,
      col,
    );
  }
}
