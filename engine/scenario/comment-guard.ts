/**
 * SES rejects, without parsing, any source text containing `<!--`, `-->` or
 * `import(`-like text — even inside comments, where scenario authors write
 * arrows ("map --> unmap") and prose. This pass neutralises those sequences
 * inside comments only, keeping every character's line and column; in code
 * (and strings) they stay, so a real `import()` is still rejected.
 *
 * A small scanner: line and block comments, '…' "…" `…` literals, and
 * regular-expression literals (a `/` after an operator or at the start).
 */
const REGEX_BEFORE = new Set([
  '',
  '(',
  ',',
  '=',
  ':',
  '[',
  '!',
  '&',
  '|',
  '?',
  '{',
  '}',
  ';',
  '+',
  '-',
  '*',
  '%',
  '<',
  '>',
  '~',
  '^',
]);

function neutralise(comment: string): string {
  return comment
    .replace(/<!--/g, '<!-_')
    .replace(/-->/g, '-_>')
    .replace(/\bimport(?=\s*(?:\(|\/[/*]))/g, 'imp0rt');
}

export function guardComments(src: string): string {
  let out = '';
  let i = 0;
  let last = ''; // last significant code character
  const n = src.length;
  while (i < n) {
    const c = src[i] as string;
    const d = src[i + 1];
    if (c === '/' && d === '/') {
      let j = src.indexOf('\n', i);
      if (j < 0) j = n;
      out += neutralise(src.slice(i, j));
      i = j;
    } else if (c === '/' && d === '*') {
      let j = src.indexOf('*/', i + 2);
      j = j < 0 ? n : j + 2;
      out += neutralise(src.slice(i, j));
      i = j;
    } else if (c === "'" || c === '"' || c === '`' || (c === '/' && REGEX_BEFORE.has(last))) {
      let j = i + 1;
      let inClass = false;
      while (j < n) {
        const e = src[j];
        if (e === '\\') {
          j += 2;
        } else if (c === '/' && (e === '[' || e === ']')) {
          inClass = e === '[';
          j++;
        } else if (e === c && !(c === '/' && inClass)) {
          break;
        } else if (e === '\n' && c !== '`') {
          break;
        } else {
          j++;
        }
      }
      out += src.slice(i, j + 1);
      i = j + 1;
      last = 'x';
    } else {
      out += c;
      if (!/\s/.test(c)) last = /[\w$)\]]/.test(c) ? 'x' : c;
      i++;
    }
  }
  return out;
}
