/**
 * Differential property test of the storage strategies: random
 * map / unmap / attach / detach / access pin / unpin sequences over random
 * layouts (fragmentation, THP, populated or not) run on four machines, one
 * per strategy, with the same seed. After every operation the outcomes
 * (success or errno) must agree, every live domain must map every IOVA to
 * the same physical address under all four, and each machine's own
 * invariants (pin counts = the strategy's holders, accounting = what the
 * mappings charged) must hold. After teardown nothing may leak.
 */
import { describe, expect, it } from 'vitest';
import { isLabError, PAGE_SIZE, Rng } from '../../base';
import { Machine } from '../machine';
import { STRATEGY_NAMES } from './names';
import type {
  StrategyAccessItem,
  StrategyAccessShape,
  StrategyDomainShape,
  StrategyIommufd,
  StrategyIoasShape,
} from './types';

interface Inst {
  name: string;
  m: Machine<StrategyIommufd>;
  ioas: StrategyIoasShape;
  ctx: StrategyIommufd;
  bufs: number[];
  doms: StrategyDomainShape[];
  accs: StrategyAccessShape[];
  items: StrategyAccessItem[][];
}

function outcome(fn: () => unknown): string {
  try {
    const r = fn();
    return typeof r === 'bigint' ? `ok ${r}` : 'ok';
  } catch (e) {
    if (isLabError(e)) return e.errno;
    throw e;
  }
}

/** Every live domain's IOVA → physical address, page by page, in attach order. */
function contents(x: Inst): string {
  const out: string[] = [];
  for (const d of x.doms) {
    const st = d.stats();
    out.push(`domain ${d.id} ${d.kind} ${st.mappedBytes}`);
    const dg = x.m.digest();
    for (const c of dg.contexts)
      for (const io of c.ioas)
        for (const dd of io.domains)
          if (dd.id === d.id)
            for (const [iova, len] of dd.mapped)
              for (let a = BigInt(iova); a < BigInt(iova) + BigInt(len); a += BigInt(PAGE_SIZE))
                out.push(`${a}:${d.iovaToPhys(a)}`);
  }
  return out.join('\n');
}

/** Successful operations by kind over all cases (the test must exercise each). */
const succeeded = new Map<string, number>();

function runCase(seed: number, steps: number): void {
  const rng = new Rng(seed);
  const frag = [0, 0.5, 1][rng.int(3)];
  const bufSpecs = Array.from({ length: 3 }, () => ({
    pages: 1 + rng.int(96),
    thp: rng.int(3) === 0,
    populate: rng.int(2) === 0,
  }));
  const insts: Inst[] = STRATEGY_NAMES.map((name) => {
    const m = new Machine<StrategyIommufd>({ seed });
    m.configure({ strategy: name, physicalMemory: 64 * 1024 * 1024, fragmentation: frag, hugetlbPages2M: 0 });
    const bufs = bufSpecs.map((b) =>
      m.process.mmap(b.pages * PAGE_SIZE, { thp: b.thp, populate: b.populate }),
    );
    const ctx = m.open();
    return { name, m, ctx, ioas: ctx.ioasAlloc(), bufs, doms: [], accs: [], items: [] };
  });
  // the model of what is mapped (updated when the reference machine succeeds)
  const areas: { iova: bigint; pages: number }[] = [];
  const log: string[] = [];
  for (let step = 0; step < steps; step++) {
    const r = rng.int(100);
    let desc: string;
    let op: (x: Inst) => unknown;
    let after: (res: string) => void = () => {};
    if (r < 30) {
      const b = rng.int(bufSpecs.length);
      const off = rng.int(bufSpecs[b].pages);
      const n = 1 + rng.int(bufSpecs[b].pages - off);
      const fixed = rng.int(4) === 0 ? BigInt(0x1000000 + rng.int(4096) * PAGE_SIZE) : undefined;
      desc = `map buf${b}+${off} x${n}${fixed === undefined ? '' : ` at ${fixed}`}`;
      op = (x) =>
        x.ioas.map(x.bufs[b] + off * PAGE_SIZE, n * PAGE_SIZE, fixed === undefined ? {} : { iova: fixed });
      after = (res) => {
        if (res.startsWith('ok ')) areas.push({ iova: BigInt(res.slice(3)), pages: n });
        else if (res === 'ok') throw new Error('map returned no IOVA');
      };
    } else if (r < 45 && areas.length > 0) {
      const i = rng.int(areas.length);
      const a = areas[i];
      const cut = rng.int(6) === 0;
      const len = BigInt(cut ? Math.max(1, a.pages - 1) : a.pages) * BigInt(PAGE_SIZE);
      desc = `unmap ${a.iova} +${len}`;
      op = (x) => x.ioas.unmap(a.iova, len);
      after = (res) => {
        if (res.startsWith('ok')) areas.splice(i, 1);
      };
    } else if (r < 47) {
      desc = 'unmap all';
      op = (x) => x.ioas.unmap(0n, (1n << 64n) - 1n);
      after = () => areas.splice(0);
    } else if (r < 60) {
      const kind = rng.int(2) === 0 ? 'mock' : 'pagetable';
      desc = `attach ${kind}`;
      op = (x) => x.doms.push(x.ioas.attachDomain({ kind }));
    } else if (r < 68 && insts[0].doms.length > 0) {
      const i = rng.int(insts[0].doms.length);
      desc = `detach #${i}`;
      op = (x) => x.doms.splice(i, 1)[0].detach();
    } else if (r < 72 && insts[0].accs.length < 2) {
      desc = 'create access';
      op = (x) => {
        x.accs.push(x.ctx.createAccess(x.ioas, { needsPinPages: true }));
        x.items.push([]);
      };
    } else if (r < 90 && insts[0].accs.length > 0 && areas.length > 0) {
      const ai = rng.int(insts[0].accs.length);
      const a = areas[rng.int(areas.length)];
      const off = rng.int(a.pages);
      const n = 1 + rng.int(Math.min(16, a.pages - off));
      const write = rng.int(2) === 0;
      desc = `access pin ${ai} ${a.iova}+${off} x${n}${write ? ' write' : ''}`;
      op = (x) =>
        x.items[ai].push(x.accs[ai].pin(a.iova + BigInt(off * PAGE_SIZE), n * PAGE_SIZE, { write }));
    } else if (r < 94 && insts[0].accs.length > 0 && areas.length > 0) {
      // CPU write then read through the access: every strategy sees the same memory
      const a = areas[rng.int(areas.length)];
      const at = a.iova + BigInt(rng.int(a.pages * PAGE_SIZE));
      const data = Uint8Array.from({ length: 1 + rng.int(64) }, () => rng.int(256));
      desc = `access rw ${at} x${data.length}`;
      op = (x) => {
        x.accs[0].write(at, data);
        return BigInt('0x1' + Buffer.from(x.accs[0].read(at, data.length)).toString('hex'));
      };
    } else if (insts[0].accs.length > 0 && insts[0].items.some((l) => l.length > 0)) {
      const ai = insts[0].items.findIndex((l) => l.length > 0);
      const k = rng.int(insts[0].items[ai].length);
      desc = `access unpin ${ai} item ${k}`;
      op = (x) => x.accs[ai].unpin(x.items[ai].splice(k, 1)[0]);
    } else continue;
    // items an unmap released through the access's unmap callback are gone
    const results = insts.map((x) => outcome(() => op(x)));
    for (const x of insts) x.items = x.accs.map((a) => [...a.items]);
    log.push(`${step}: ${desc} → ${results.join(' | ')}`);
    const ctxMsg = (): string =>
      `seed ${seed}, frag ${frag}, bufs ${JSON.stringify(bufSpecs)}\n${log.join('\n')}`;
    expect(new Set(results).size, ctxMsg()).toBe(1);
    after(results[0]);
    const kind = desc.replace(/ ?[#0-9].*$/, '');
    if (results[0].startsWith('ok')) succeeded.set(kind, (succeeded.get(kind) ?? 0) + 1);
    for (const x of insts) expect(x.m.violations(), `${x.name}\n${ctxMsg()}`).toEqual([]);
    const ref = contents(insts[0]);
    for (const x of insts.slice(1)) expect(contents(x), `${x.name}\n${ctxMsg()}`).toBe(ref);
  }
  for (const x of insts) expect(x.m.teardownCheck(), x.name).toEqual([]);
}

describe('strategies agree on domain contents (differential)', () => {
  for (let seed = 1; seed <= 16; seed++) it(`seed ${seed}`, () => runCase(seed, 60));
  it('every kind of operation succeeded in some case', () => {
    for (const k of [
      'map buf',
      'unmap',
      'unmap all',
      'attach mock',
      'attach pagetable',
      'detach',
      'create access',
      'access pin',
      'access unpin',
      'access rw',
    ])
      expect(succeeded.get(k) ?? 0, `${k}: ${JSON.stringify([...succeeded])}`).toBeGreaterThan(0);
  });
});
