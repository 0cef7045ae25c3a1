/**
 * The editor's hover docs name the kernel function behind every `lab` call:
 * each method of the scenario API's interfaces in lab.d.ts has a "Kernel:"
 * line in its JSDoc (a function name, or "none — …" for what is PFN Lab's own).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Every method of every interface with its JSDoc (the comment right above it, or ''). */
export function methodDocs(dts: string): { iface: string; method: string; doc: string }[] {
  const out: { iface: string; method: string; doc: string }[] = [];
  let iface: string | null = null;
  let doc = '';
  let inDoc = false;
  for (const line of dts.split('\n')) {
    const t = line.trim();
    const head = /^interface (\w+)/.exec(line);
    if (head) {
      iface = head[1] as string;
      doc = '';
      continue;
    }
    if (line.startsWith('}')) iface = null;
    if (t.startsWith('/**')) {
      doc = '';
      inDoc = true;
    }
    if (inDoc) {
      doc += `${t}\n`;
      if (t.endsWith('*/')) inDoc = false;
      continue;
    }
    const m = /^\s+(?:readonly\s+)?([A-Za-z_]\w*)\??\s*\(/.exec(line);
    if (iface && m) out.push({ iface, method: m[1] as string, doc });
    if (t !== '') doc = '';
  }
  return out;
}

describe('kernel names in the scenario API docs', () => {
  const dts = readFileSync(join(root, 'engine/scenario/api/lab.d.ts'), 'utf8');
  const methods = methodDocs(dts);

  it('finds the methods of every API interface', () => {
    const ifaces = new Set(methods.map((m) => m.iface));
    expect([...ifaces].sort()).toEqual(['Access', 'Domain', 'Ioas', 'Iommufd', 'Lab', 'Process']);
    expect(methods.length).toBeGreaterThan(40);
    expect(methods.find((m) => m.iface === 'Ioas' && m.method === 'map')?.doc).toContain('IOMMU_IOAS_MAP');
  });

  it('every method has a Kernel: line, naming a function or saying none', () => {
    const missing = methods.filter((m) => !/^\* Kernel: \S/m.test(m.doc)).map((m) => `${m.iface}.${m.method}`);
    expect(missing).toEqual([]);
    for (const m of methods) {
      const k = /^\* Kernel: (.*)$/m.exec(m.doc)?.[1] ?? '';
      expect([`${m.iface}.${m.method}`, /`[a-z_0-9]+`|^none —|IOMMU_TEST_OP_/.test(k)]).toEqual([
        `${m.iface}.${m.method}`,
        true,
      ]);
    }
  });

  it('names the functions of the algorithms (IOMMUFD-ALGORITHMS.md)', () => {
    const kernel = (iface: string, method: string): string =>
      methods.find((m) => m.iface === iface && m.method === method)?.doc ?? '';
    expect(kernel('Ioas', 'map')).toContain('`iopt_map_user_pages`');
    expect(kernel('Ioas', 'unmap')).toContain('`iopt_unmap_iova`');
    expect(kernel('Access', 'pin')).toContain('`iopt_pages_add_access`');
    expect(kernel('Access', 'read')).toContain('`iopt_pages_rw_access`');
    expect(kernel('Ioas', 'attachDomain')).toContain('`iopt_table_add_domain`');
  });

  it('sees a method without docs as undocumented', () => {
    const m = methodDocs('interface A {\n  /** x\n   * Kernel: `f`. */\n  f(): void;\n  readonly n: number;\n  g(): void;\n}\n');
    expect(m).toEqual([
      { iface: 'A', method: 'f', doc: '/** x\n* Kernel: `f`. */\n' },
      { iface: 'A', method: 'g', doc: '' },
    ]);
  });
});
