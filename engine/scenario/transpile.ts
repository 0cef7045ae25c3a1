/**
 * Scenario TypeScript → JavaScript with sucrase (transforms ['typescript']
 * only: types are stripped, nothing else is rewritten). Sucrase keeps every
 * statement on its line, so scenario line numbers survive unchanged; columns
 * move where annotations were removed, and a token alignment of each line
 * with its source line maps them back (source-map.ts says why sucrase's own
 * source map is not used).
 */
import { transform } from 'sucrase';
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
  return { code: guardComments(out.code), mappings: alignColumns(input, out.code) };
}
