/**
 * The seed's claims (the iommufd "Algorithms for PFN storage" commit
 * message) checked against a study's cells, as Markdown: each claim, the
 * cells that test it, the figures, and whether every one of them holds.
 * docs/performance.md carries this text for the sweep run on this machine.
 */
import type {
  StudyCell,
  StudyFile,
  StudyOperation,
  StudyStrategy,
} from '../../../engine/scenario/study-file';
import { sizeLabel } from '../spec';
import { fmtBytes, fmtInt, fmtMs, fmtRatio, ratio } from './ratios';

const ok = (f: StudyFile): StudyCell[] => f.cells.filter((c) => c.status === 'ok');

function find(
  cells: readonly StudyCell[],
  s: StudyStrategy,
  op: StudyOperation,
  where: Pick<StudyCell, 'domains' | 'backing' | 'size'>,
): StudyCell | undefined {
  return cells.find(
    (c) =>
      c.strategy === s &&
      c.operation === op &&
      c.domains === where.domains &&
      c.backing === where.backing &&
      c.size === where.size,
  );
}

const verdict = (holds: boolean, n: number): string =>
  n === 0 ? '**not measured**' : holds ? `**holds** (${n} cells)` : '**does not hold**';

function table(head: string[], rows: string[][]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => ' --- ').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

/** The widest domain count and largest size measured, for the per-backing tables. */
function focus(cells: readonly StudyCell[]): { domains: number; size: number } {
  const sizes = [...new Set(cells.map((c) => c.size))].sort((a, b) => a - b);
  const size = sizes.includes(2 ** 30) ? 2 ** 30 : (sizes.at(-1) ?? 0);
  const ds = [...new Set(cells.map((c) => c.domains))];
  return { domains: ds.includes(4) ? 4 : Math.max(0, ...ds), size };
}

export function claimsMarkdown(f: StudyFile): string {
  const cells = ok(f);
  const out: string[] = [];
  const fo = focus(cells);
  const backings = f.axes.backings.filter((b) => cells.some((c) => c.backing === b));
  const iommufd = cells.filter((c) => c.strategy === 'iommufd');

  // 1. no memory per page with only a domain
  {
    const maps = iommufd.filter(
      (c) => c.operation === 'map' || c.operation === 'attach' || c.operation === 'unmap',
    );
    const maxBytes = Math.max(0, ...maps.map((c) => c.engineBytes));
    const perPage = maps.map((c) => c.engineBytes / Math.max(1, c.pages ?? c.size / 4096));
    const holds = maps.every((c) => c.engineBytes < 64 * 1024);
    out.push('### 1. "If no in-kernel access exists, iopt_pages allocates no significant memory"', '');
    out.push(
      `iommufd, every map / attach / unmap cell (domains only, no access): engineBytes at most ${fmtBytes(maxBytes)} ` +
        `(${Math.max(0, ...perPage).toFixed(3)} bytes per page at worst: per-object structures, nothing per page), whatever the size: ${verdict(holds, maps.length)}. ` +
        'With an access (access-pin) the xarray holds the pinned 64 MiB: see its row. naive keeps 8 bytes per page per domain:',
      '',
    );
    const rows: string[][] = [];
    for (const size of [...new Set(cells.map((c) => c.size))].sort((a, b) => a - b)) {
      const w = {
        domains: fo.domains,
        backing: backings.includes('thp') ? 'thp' : (backings[0] ?? 'thp'),
        size,
      } as const;
      const r = (s: StudyStrategy, op: StudyOperation): string => {
        const c = find(cells, s, op, w);
        return c ? fmtBytes(c.engineBytes) : '';
      };
      rows.push([
        sizeLabel(size),
        String(w.domains),
        r('iommufd', 'map'),
        r('iommufd', 'access-pin'),
        r('naive', 'map'),
        r('vfio-type1', 'map'),
      ]);
    }
    out.push(
      ...table(
        [
          'size',
          'domains',
          'iommufd after map',
          'iommufd with a 64 MiB access',
          'naive after map',
          'vfio-type1 after map',
        ],
        rows,
      ),
      '',
    );
  }

  // 2. a page is never pinned twice
  {
    const checks = iommufd.filter(
      (c) => c.operation === 'map' || c.operation === 'access-pin' || c.operation === 'attach',
    );
    const holds = checks.every((c) => {
      const P = c.pages ?? c.size / 4096;
      if (c.operation === 'map') return c.counters.pagesPinned === P;
      if (c.operation === 'access-pin') return c.counters.pagesPinned === 0;
      return c.counters.pagesPinned === (c.domains === 1 ? P : 0);
    });
    out.push('### 2. "If a page has been pinned then an iopt_pages will not pin it again"', '');
    out.push(
      `iommufd: map pins each page once for any number of domains; an access pinning 64 MiB already held by a domain pins nothing; ` +
        `attaching a domain beside another pins nothing: ${verdict(holds, checks.length)}.`,
      '',
    );
    const rows: string[][] = [];
    for (const d of f.axes.domains) {
      const w = { domains: d, backing: backings[0] ?? 'frag-4k', size: fo.size } as const;
      const p = (s: StudyStrategy, op: StudyOperation): string => {
        const c = find(cells, s, op, w);
        return c ? fmtInt(c.counters.pagesPinned) : '';
      };
      rows.push([
        String(d),
        p('iommufd', 'map'),
        p('iommufd', 'access-pin'),
        p('naive', 'map'),
        p('naive', 'access-pin'),
        p('vfio-type1', 'map'),
        p('vfio-type1', 'access-pin'),
      ]);
    }
    out.push(`Pages pinned, ${backings[0] ?? ''} ${sizeLabel(fo.size)}:`, '');
    out.push(
      ...table(
        [
          'domains',
          'iommufd map',
          'iommufd access-pin',
          'naive map',
          'naive access-pin',
          'vfio-type1 map',
          'vfio-type1 access-pin',
        ],
        rows,
      ),
      '',
    );
  }

  // 3. fill_domains reads each PFN once and pushes it to all domains
  {
    const maps = iommufd.filter((c) => c.operation === 'map');
    const holds = maps.every(
      (c) => c.counters.pagesPinned === (c.pages ?? 0) && c.counters.iovaToPhysCalls === 0,
    );
    out.push('### 3. "fill_domains: PFNs are read once and pushed into all domains"', '');
    out.push(
      `iommufd map into D domains: the PFNs come from one pin of each page (pagesPinned = pages) and are never read back ` +
        `from a domain (iova_to_phys = 0), for D = ${f.axes.domains.join(', ')}: ${verdict(holds, maps.length)}. ` +
        "The work that grows with D is the domains' own (map calls, PTE writes):",
      '',
    );
    const rows: string[][] = [];
    for (const d of f.axes.domains) {
      const c = find(cells, 'iommufd', 'map', {
        domains: d,
        backing: backings[0] ?? 'frag-4k',
        size: fo.size,
      });
      if (c)
        rows.push([
          String(d),
          fmtInt(c.counters.pagesPinned),
          fmtInt(c.counters.iovaToPhysCalls),
          fmtInt(c.counters.iommuMapCalls),
          fmtInt(c.counters.pteWrites),
          fmtMs(c.wallMs),
          fmtMs(c.floorMs),
          fmtRatio(ratio(c.wallMs, c.floorMs)),
        ]);
    }
    out.push(`${backings[0] ?? ''}, ${sizeLabel(fo.size)}:`, '');
    out.push(
      ...table(
        ['domains', 'pages pinned', 'iova→phys', 'map calls', 'PTE writes', 'wall ms', 'floor ms', '× floor'],
        rows,
      ),
      '',
    );
  }

  // 4. map calls equal contiguous runs
  {
    const maps = iommufd.filter((c) => c.operation === 'map' && c.physRuns !== undefined);
    const holds = maps.every((c) => c.counters.iommuMapCalls === (c.physRuns as number) * c.domains);
    out.push('### 4. "Map/unmap with the domain always works in contiguous PFN blocks"', '');
    out.push(
      `iommufd map calls = (maximal runs contiguous both virtually and physically) × domains, every map cell: ${verdict(holds, maps.length)}. ` +
        'naive maps page by page; vfio-type1 maps its pinned chunks, which end where the PFNs stop being contiguous (docs/strategies.md):',
      '',
    );
    const rows: string[][] = [];
    for (const b of backings) {
      const w = { domains: fo.domains, backing: b, size: fo.size };
      const c = find(cells, 'iommufd', 'map', w);
      const n = find(cells, 'naive', 'map', w);
      const v = find(cells, 'vfio-type1', 'map', w);
      if (c)
        rows.push([
          b,
          fmtInt(c.pages ?? 0),
          fmtInt(c.physRuns ?? 0),
          fmtInt(c.counters.iommuMapCalls),
          fmtInt(c.counters.ioPagesMapped ?? 0),
          n ? fmtInt(n.counters.iommuMapCalls) : '',
          v ? fmtInt(v.counters.iommuMapCalls) : '',
        ]);
    }
    out.push(`${sizeLabel(fo.size)}, ${fo.domains} domains:`, '');
    out.push(
      ...table(
        [
          'backing',
          'pages',
          'runs',
          'iommufd map calls',
          'IO pages mapped',
          'naive map calls',
          'vfio-type1 map calls',
        ],
        rows,
      ),
      '',
    );
  }

  // 5. what the batch API would save
  {
    out.push('### 5. "A way for the driver to map and read the pfns lists": what the batch API saves', '');
    out.push(
      'iommufd against iommufd+batch-api (domains with readPfns / mapPfnList), ' +
        `${sizeLabel(fo.size)}, ${fo.domains} domains: IOMMU driver calls (iommu_map + iova_to_phys, against readPfns + mapPfnList; unmap calls are the same in both) and wall time.`,
      '',
    );
    const rows: string[][] = [];
    for (const b of backings)
      for (const op of ['map', 'attach', 'access-pin', 'unmap'] as StudyOperation[]) {
        const w = { domains: fo.domains, backing: b, size: fo.size };
        const a = find(cells, 'iommufd', op, w);
        const z = find(cells, 'iommufd+batch-api', op, w);
        if (!a || !z) continue;
        const ca = a.counters.iommuMapCalls + a.counters.iovaToPhysCalls;
        const cz =
          z.counters.iommuMapCalls +
          z.counters.iovaToPhysCalls +
          z.counters.readPfnsCalls +
          z.counters.mapPfnListCalls;
        rows.push([
          b,
          op,
          fmtInt(ca),
          fmtInt(cz),
          fmtRatio(ratio(ca, cz)),
          fmtMs(a.wallMs),
          fmtMs(z.wallMs),
          fmtRatio(ratio(a.wallMs, z.wallMs)),
        ]);
      }
    out.push(
      ...table(
        [
          'backing',
          'operation',
          'driver calls',
          'with batch API',
          'calls saved ×',
          'wall ms',
          'with batch API',
          'faster ×',
        ],
        rows,
      ),
      '',
    );
  }

  // 6. strategies on the captured layout
  {
    const layouts = backings.filter((b) => b.startsWith('layout:'));
    for (const b of layouts) {
      out.push(
        `### 6. The strategies on a captured real layout (${b}, tiled to ${sizeLabel(fo.size)}, ${fo.domains} domains)`,
        '',
      );
      const rows: string[][] = [];
      for (const op of f.axes.operations)
        for (const s of f.axes.strategies) {
          const c = find(cells, s, op, { domains: fo.domains, backing: b, size: fo.size });
          const base = find(cells, 'iommufd', op, { domains: fo.domains, backing: b, size: fo.size });
          if (!c) continue;
          const k = c.counters;
          rows.push([
            op,
            s,
            fmtMs(c.wallMs),
            s === 'iommufd' ? '1' : fmtRatio(base ? ratio(c.wallMs, base.wallMs) : null),
            fmtRatio(ratio(c.wallMs, c.floorMs)),
            fmtInt(k.iommuMapCalls),
            fmtInt(k.iommuUnmapCalls),
            fmtInt(k.iovaToPhysCalls),
            fmtInt(k.readPfnsCalls + k.mapPfnListCalls),
            fmtInt(k.pagesPinned),
            fmtInt(k.pagesUnpinned),
            fmtBytes(c.engineBytes),
          ]);
        }
      out.push(
        ...table(
          [
            'operation',
            'strategy',
            'wall ms',
            '× iommufd',
            '× floor',
            'map calls',
            'unmap calls',
            'iova→phys',
            'batch calls',
            'pinned',
            'unpinned',
            'engine bytes',
          ],
          rows,
        ),
        '',
      );
    }
  }
  return out.join('\n');
}
