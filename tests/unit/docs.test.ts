/**
 * The documentation is complete inside the project: every relative link of
 * every Markdown file resolves (file and, for Markdown targets, heading
 * anchor), and every member of the scenario API's declarations is
 * documented in docs/SCENARIO-API.md or docs/SCENARIO-API-ADDITIONS.md.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));

function markdownFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.md'], {
    cwd: root,
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .filter((f) => f !== '' && existsSync(join(root, f)))
    .filter((f) => !f.startsWith('node_modules/'));
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to dashes. */
export function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of text.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    const base = anchorOf(m[1] as string);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Relative links of a Markdown text (not inside code), as written. */
export function relativeLinks(text: string): string[] {
  const prose = text.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  const links: string[] = [];
  for (const m of prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const target = m[1] as string;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
    links.push(target);
  }
  return links;
}

describe('documentation', () => {
  it('finds the relative links of a text, not those in code or absolute ones', () => {
    const t =
      'see [a](docs/A.md#x) and [b](https://e.org) `[c](nope.md)`\n```\n[d](no.md)\n```\n[e](../F.md "t")';
    expect(relativeLinks(t)).toEqual(['docs/A.md#x', '../F.md']);
    expect(anchorOf('9.3 IOVA allocation: `iopt_alloc_iova`')).toBe('93-iova-allocation-iopt_alloc_iova');
  });

  it('every relative link in every Markdown file resolves', () => {
    const broken: string[] = [];
    const files = markdownFiles();
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const abs = join(root, f);
      for (const link of relativeLinks(readFileSync(abs, 'utf8'))) {
        const [path, anchor] = link.split('#') as [string, string | undefined];
        const target = path === '' ? abs : resolve(dirname(abs), decodeURIComponent(path));
        if (!target.startsWith(root) || !existsSync(target)) {
          broken.push(`${f}: ${link} (no such file)`);
          continue;
        }
        if (anchor && target.endsWith('.md') && statSync(target).isFile() && !anchors(target).has(anchor))
          broken.push(`${f}: ${link} (no heading #${anchor})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('every member of the scenario API declarations is documented', () => {
    const dts = readFileSync(join(root, 'engine/scenario/api/lab.d.ts'), 'utf8');
    const docs =
      readFileSync(join(root, 'docs/SCENARIO-API.md'), 'utf8') +
      readFileSync(join(root, 'docs/SCENARIO-API-ADDITIONS.md'), 'utf8');
    const members = new Set<string>();
    for (const m of dts.matchAll(/^\s+(?:readonly\s+)?([a-zA-Z_][a-zA-Z0-9_]*)\??\s*[(:]/gm))
      members.add(m[1] as string);
    expect(members.size).toBeGreaterThan(40);
    const missing = [...members].filter((name) => !new RegExp(`\\b${name}\\b`).test(docs));
    expect(missing).toEqual([]);
  });
});
