import '../../engine/scenario/testing/lockdown';
import { describe, expect, it } from 'vitest';
import type {
  EngineIoas,
  EngineIommufd,
  EngineMachine,
  MachineFactory,
} from '../../engine/scenario/engine-types';
import { createMachine } from '../../engine/scenario/machine-factory';
import { compare } from './compare';
import { formatReport } from './format';
import { recordScenario } from './record';
import { oracleReplay, prepare, type GuestRunLike } from './replay';
import { parseResults } from './results';
import { engineAsKernel } from './self-oracle';
import { DRIVER_OWN_DOMAIN_PER_DEVICE, translate } from './translate';

const HEAD = '/// <reference path="../../engine/scenario/api/lab.d.ts" />\n';

/** Covers every kind of object and the relation ops. */
const SCENARIO = `${HEAD}
const ctx = lab.open();
const ioas = ctx.ioasAlloc();
const dom = ioas.attachDomain();
const buf = lab.process.mmap(64 * 1024, { populate: true });
const iova = ioas.map(buf, 64 * 1024);
dom.checkMap(iova, 64 * 1024, buf);
dom.iovaToPhys(iova + 0x3000n);
dom.iovaToPhys(0x100n);
lab.checkRefs(buf, 64 * 1024, 1);
const acc = ctx.createAccess(ioas, { needsPinPages: true });
const item = acc.pin(iova, 8192n, { uptr: buf });
lab.process.write(buf, new Uint8Array([1, 2, 3]));
acc.read(iova, 3);
acc.unpin(item);
const child = lab.process.fork();
child.read(buf, 2);
try { ioas.unmap(iova, 4096); } catch (e) {}
ioas.unmap(iova, 64 * 1024);
lab.process.accounting();
ctx.close();
`;

/** Run the engine with `bug` wrapped around the real factory (an engine bug injected by the test). */
function buggy(bug: (m: EngineMachine) => void): MachineFactory {
  return (o) => {
    const m = createMachine(o);
    bug(m);
    return m;
  };
}

/** Wrap every IOAS the machine's contexts allocate. */
function onIoas(m: EngineMachine, f: (io: EngineIoas) => void): void {
  const open = m.open.bind(m);
  m.open = (opts?: unknown): EngineIommufd => {
    const ctx = open(opts);
    const alloc = ctx.ioasAlloc.bind(ctx);
    ctx.ioasAlloc = (): EngineIoas => {
      const io = alloc();
      f(io);
      return io;
    };
    return ctx;
  };
}

const selfOracle =
  (truth: Map<string, string>) =>
  async (scripts: { name: string; text: string }[]): Promise<GuestRunLike> => {
    const outputs = new Map<string, string>();
    scripts.forEach((s, i) => outputs.set(s.name, truth.get(`s${i}`) ?? ''));
    return { outputs, ok: true };
  };

describe('translator', () => {
  it('names objects by creation order, maps at the engine address and turns iovaToPhys into relations', async () => {
    const rec = await recordScenario({ source: SCENARIO });
    expect(rec.result.ok).toBe(true);
    const tr = translate(rec);
    expect(tr.runnable).toBe(true);
    const body = tr.lines.map((l) => l.text.replace(/^\d+ /, ''));
    const buf = body.find((l) => l.startsWith('mmap '))?.split(' ')[1] ?? '';
    expect(buf).toMatch(/^0x[0-9a-f]+$/);
    const b = BigInt(buf);
    const h = (v: bigint): string => `0x${v.toString(16)}`;
    expect(body).toContain('f0 = open at=p0');
    expect(body).toContain('a0 = ioas_alloc f0 at=p0');
    expect(body).toContain('d0 = mock_domain f0 a0 at=p0');
    expect(body).toContain(`mmap ${buf} 0x10000 populate at=p0`);
    expect(body).toContain(`map f0 a0 ${buf} 0x10000 read write at=p0`);
    // the relation: IOVA + 0x3000 maps the frame behind buf + 0x3000
    expect(body).toContain(`check_map f0 d0 0x1003000 2048 ${h(b + 0x3000n)} at=p0`);
    expect(body).toContain('check_unmapped f0 d0 0x100 at=p0');
    expect(body).toContain(`check_refs fz ${buf} 0x10000 1 at=p0`);
    expect(body).toContain('x0 = access_create f0 a0 needs_pin at=p0');
    expect(body).toContain(`i0 = access_pin x0 0x1000000 0x2000 uptr=${buf} at=p0`);
    expect(body).toContain(`write ${buf} 010203 at=p0`);
    expect(body).toContain('access_read x0 0x1000000 3 at=p0');
    expect(body).toContain('access_unpin x0 i0 at=p0');
    expect(body).toContain('p1 = fork at=p0');
    expect(body).toContain(`read ${buf} 2 at=p1`);
    expect(body).toContain('close f0 at=p0');
    // the expectations carry the engine's answers
    const read = tr.lines.find((l) => l.op === 'access.read');
    expect(read?.expect).toMatchObject({ ok: true, values: [{ kind: 'hex', v: '010203' }] });
    const cut = tr.lines.find((l) => l.op === 'ioas.unmap');
    expect(cut?.expect).toEqual({ ok: false, errno: 'ENOENT' });
    const acct = tr.lines.find((l) => l.op === 'process.accounting');
    expect(acct?.expect).toMatchObject({ ok: true, keys: { locked: { v: '0' }, pinned: { v: '0' } } });
    expect(tr.text.startsWith('pfnlab-oracle-script 1\n')).toBe(true);
  });

  it('lists engine-only ops and refuses fault injection and pagetable formats that change results', async () => {
    const rec = await recordScenario({
      source: `${HEAD}lab.configure({ physicalMemory: 128 << 20, hugetlbPages2M: 8 }); lab.mark('m'); const c = lab.open(); const io = c.ioasAlloc(); const d = io.attachDomain(); d.stats(); lab.failNth(1); lab.faultConsumed();`,
    });
    const tr = translate(rec);
    expect(tr.engineOnly.map((e) => e.op)).toEqual(['lab.configure', 'domain.stats']);
    // the ops before the first failNth are replayed, none after
    expect(tr.runnable).toBe(true);
    expect(tr.stoppedAt).toMatchObject({ seq: 6, reason: expect.stringMatching(/lab\.failNth.*fail-nth/) });
    expect(tr.lines.filter((l) => l.event > 0).map((l) => l.op)).toEqual([
      'lab.open',
      'iommufd.ioasAlloc',
      'ioas.attachDomain',
    ]);
    const none = translate(await recordScenario({ source: `${HEAD}lab.failNth(1); lab.open();` }));
    expect(none.runnable).toBe(false);
    expect(none.reason).toMatch(/lab\.failNth/);
    const pt = await prepare({
      name: 'pt.ts',
      source: `${HEAD}const io = lab.open().ioasAlloc(); io.attachDomain({ kind: 'pagetable', format: 'x86_64' }); io.map(lab.process.mmap(8192), 8192);`,
    });
    expect(pt.report.status).toBe('not-runnable');
    expect(pt.report.reason).toMatch(/pagetable domains.*ioas\.map/);
    // where the format changes nothing observable, the mock twin is replayed
    const same = await prepare({
      name: 'pt2.ts',
      source: `${HEAD}const io = lab.open().ioasAlloc(); const d = io.attachDomain({ kind: 'pagetable', format: 'x86_64' }); const b = lab.process.mmap(8192); io.map(b, 8192, { iova: 0x1000000 }); d.checkMap(0x1000000, 8192, b);`,
    });
    expect(same.tr?.runnable).toBe(true);
    expect(same.report.notes.join()).toMatch(/replayed as mock/);
    expect(same.tr?.text).toContain('d0 = mock_domain f0 a0');
  });
});

describe('shared auto domains (6.12)', () => {
  const TWO = `${HEAD}const c = lab.open(); const io = c.ioasAlloc(); const d0 = io.attachDomain(); const d1 = io.attachDomain(); d0.detach(); d1.detach(); io.attachDomain(); io.attachDomain();`;
  it('the driver gives each mock domain its own: nothing stops; without that a second live one ends the replay', async () => {
    const rec = await recordScenario({ source: TWO });
    expect(DRIVER_OWN_DOMAIN_PER_DEVICE).toBe(true);
    expect(translate(rec).stoppedAt).toBeUndefined();
    const tr = translate(rec, { ownDomainPerDevice: false });
    expect(tr.stoppedAt).toMatchObject({
      seq: 4,
      reason: expect.stringMatching(/second mock domain on a0 .*d0 is live/),
    });
    expect(tr.lines.filter((l) => l.op === 'ioas.attachDomain')).toHaveLength(1);
    const own = translate(rec, { ownDomainPerDevice: true });
    expect(own.stoppedAt).toBeUndefined();
    expect(own.lines.filter((l) => l.op === 'ioas.attachDomain')).toHaveLength(4);
  });
  it('a domain attached after the others were detached is sent', async () => {
    const rec = await recordScenario({
      source: `${HEAD}const io = lab.open().ioasAlloc(); io.attachDomain().detach(); io.attachDomain();`,
    });
    const tr = translate(rec);
    expect(tr.stoppedAt).toBeUndefined();
    expect(tr.lines.filter((l) => l.op === 'ioas.attachDomain')).toHaveLength(2);
  });
});

describe('replay stops', () => {
  it('a process that exits with its context open ends the replay (the kernel closes its fds)', async () => {
    const src = `${HEAD}const ch = lab.process.fork(); const c = lab.open({ process: ch }); c.ioasAlloc(); ch.exit(); c.close();`;
    const tr = translate(await recordScenario({ source: src }));
    expect(tr.stoppedAt).toMatchObject({
      seq: 4,
      reason: expect.stringMatching(/p1 exits .* context f0 open/),
    });
    // a child that exits holding no context of its own is replayed on
    const ok = translate(
      await recordScenario({
        source: `${HEAD}const c = lab.open(); const ch = lab.process.fork(); ch.exit(); c.close();`,
      }),
    );
    expect(ok.stoppedAt).toBeUndefined();
    expect(ok.lines.map((l) => l.op)).toContain('process.exit');
  });
});

describe('result lines and comparison', () => {
  it('parses ok values, keys, errnos, fatal lines and end', () => {
    const out = parseResults(
      '# c\n4 ok 0x1000000\n5 ok alignment=2048 ranges=16777216-0x7fffffff\n6 err ENOENT\n7 fatal bad line\nend 4\n',
    );
    expect(out.end).toBe(4);
    expect(out.lines.get(4)).toMatchObject({ ok: true, values: ['0x1000000'] });
    expect(out.lines.get(5)).toMatchObject({
      ok: true,
      keys: { alignment: '2048', ranges: '16777216-0x7fffffff' },
    });
    expect(out.lines.get(6)).toMatchObject({ ok: false, errno: 'ENOENT' });
    expect(out.lines.get(7)).toMatchObject({ fatal: 'bad line' });
  });

  it('a kernel that answers as the engine: identical, every sent line compared', async () => {
    const rec = await recordScenario({ source: SCENARIO });
    const tr = translate(rec);
    const c = compare(tr, parseResults(engineAsKernel(tr)), rec.result.timeline.events);
    expect(c.divergence).toBeNull();
    expect(c.compared).toBe(tr.lines.filter((l) => l.expect !== null).length);
  });

  it('reports the first divergence with op, seq, scenario position and both results', async () => {
    const rec = await recordScenario({ source: SCENARIO });
    const tr = translate(rec);
    const map = tr.lines.find((l) => l.op === 'ioas.map');
    if (!map) throw new Error('no map line');
    const text = engineAsKernel(tr).replace(new RegExp(`^${map.seq} ok .*$`, 'm'), `${map.seq} err EINVAL`);
    const c = compare(tr, parseResults(text), rec.result.timeline.events);
    expect(c.divergence).toMatchObject({
      seq: map.event,
      op: 'ioas.map',
      line: 7,
      engine: 'ok 0x1000000',
      kernel: 'err EINVAL',
    });
    expect(c.divergence?.column).toBeGreaterThan(0);
  });

  it('numbers compare by value, whatever base the driver prints', async () => {
    const rec = await recordScenario({ source: SCENARIO });
    const tr = translate(rec);
    const map = tr.lines.find((l) => l.op === 'ioas.map');
    if (!map) throw new Error('no map line');
    const text = engineAsKernel(tr).replace(new RegExp(`^${map.seq} ok .*$`, 'm'), `${map.seq} ok 16777216`);
    expect(compare(tr, parseResults(text), rec.result.timeline.events).divergence).toBeNull();
  });

  it('a driver that stops early is a divergence at the first line without a result', async () => {
    const rec = await recordScenario({ source: SCENARIO });
    const tr = translate(rec);
    const lines = engineAsKernel(tr).split('\n').slice(0, 8).join('\n');
    const c = compare(tr, parseResults(lines), rec.result.timeline.events);
    expect(c.divergence?.what).toMatch(/without `end`/);
  });
});

describe('allow-list', () => {
  const STALE = `${HEAD}
const ctx = lab.open();
const a = ctx.ioasAlloc();
a.destroy();
const b = ctx.ioasAlloc();
try { a.map(lab.process.mmap(4096), 4096); } catch (e) {}
b.iovaRanges();
`;
  it('a handle to a destroyed object whose id was reused: engine ENOENT, kernel acts on the new holder', async () => {
    const rec = await recordScenario({ source: STALE });
    const tr = translate(rec);
    const map = tr.lines.find((l) => l.op === 'ioas.map');
    expect(map?.facts.stale).toMatch(/id 1 of a0 .* now holds a1/);
    expect(map?.text).toMatch(/map f0 a0 /);
    const text = engineAsKernel(tr).replace(new RegExp(`^${map?.seq} err .*$`, 'm'), `${map?.seq} ok 0x1000`);
    const c = compare(tr, parseResults(text), rec.result.timeline.events);
    expect(c.divergence).toBeNull();
    expect(c.allowed).toMatchObject([
      { rule: 'stale-handle', doc: 'docs/kernel-differences.md#stale-handles' },
    ]);
    // the kernel mapped into a1: from there its state is not the engine's, nothing later is compared
    expect(c.parted).toMatchObject({ seq: map?.event, rule: 'stale-handle' });
    // a stale op the kernel refused too changed nothing: the comparison goes on
    const refused = engineAsKernel(tr).replace(
      new RegExp(`^${map?.seq} err .*$`, 'm'),
      `${map?.seq} err EINVAL`,
    );
    const c2 = compare(tr, parseResults(refused), rec.result.timeline.events);
    expect(c2.divergence).toBeNull();
    expect(c2.parted).toBeUndefined();
  });

  it('the same ENOENT-vs-ok without a reused id is a divergence', async () => {
    const rec = await recordScenario({
      source: `${HEAD}const ctx = lab.open(); const a = ctx.ioasAlloc(); a.destroy(); try { a.map(lab.process.mmap(4096), 4096); } catch (e) {}`,
    });
    const tr = translate(rec);
    const map = tr.lines.find((l) => l.op === 'ioas.map');
    expect(map?.facts.stale).toBeUndefined();
    const text = engineAsKernel(tr).replace(new RegExp(`^${map?.seq} err .*$`, 'm'), `${map?.seq} ok 0x1000`);
    expect(compare(tr, parseResults(text), rec.result.timeline.events).divergence?.op).toBe('ioas.map');
  });
});

describe('acceptance: an engine bug injected in the test is caught', () => {
  const UNMAP = `${HEAD}
const ctx = lab.open();
const ioas = ctx.ioasAlloc();
ioas.attachDomain();
const buf = lab.process.mmap(256 * 1024, { populate: true });
const iova = ioas.map(buf, 256 * 1024);
ioas.unmap(iova, 256 * 1024);
ctx.close();
`;
  async function truthOf(source: string): Promise<Map<string, string>> {
    const p = await prepare({ name: 'u.ts', source });
    if (!p.tr) throw new Error('not runnable');
    return new Map([['s0', engineAsKernel(p.tr)]]);
  }

  it('the unmap result off by one page', async () => {
    const truth = await truthOf(UNMAP);
    const bug = buggy((m) =>
      onIoas(m, (io) => {
        const unmap = io.unmap.bind(io);
        io.unmap = (iova: unknown, length: unknown): bigint => unmap(iova, length) - 4096n;
      }),
    );
    const [r] = await oracleReplay([{ name: 'u.ts', source: UNMAP }], {
      createMachine: bug,
      runScripts: selfOracle(truth),
    });
    expect(r?.status).toBe('differs');
    expect(r?.divergence).toMatchObject({
      op: 'ioas.unmap',
      line: 8,
      what: 'bytes unmapped',
      engine: 'ok 0x3f000',
      kernel: 'ok 0x40000',
    });
    const text = formatReport(r as NonNullable<typeof r>);
    expect(text).toContain('first divergence: seq 6 ioas.unmap at u.ts:8:');
    expect(text).toContain('engine: ok 0x3f000');
    expect(text).toContain('kernel: ok 0x40000');
  });

  it('an unmap that shortens the range it removes', async () => {
    const truth = await truthOf(UNMAP);
    const bug = buggy((m) =>
      onIoas(m, (io) => {
        const unmap = io.unmap.bind(io);
        io.unmap = (iova: unknown, length: unknown): bigint => unmap(iova, BigInt(length as number) - 4096n);
      }),
    );
    const [r] = await oracleReplay([{ name: 'u.ts', source: UNMAP }], {
      createMachine: bug,
      runScripts: selfOracle(truth),
    });
    expect(r?.status).toBe('differs');
    // the engine refuses to cut the area; the kernel unmapped it all
    expect(r?.divergence).toMatchObject({
      op: 'ioas.unmap',
      line: 8,
      engine: 'err ENOENT',
      kernel: 'ok 0x40000',
    });
  });

  it('without the bug the same replay is identical', async () => {
    const truth = await truthOf(UNMAP);
    const [r] = await oracleReplay([{ name: 'u.ts', source: UNMAP }], { runScripts: selfOracle(truth) });
    expect(r?.status).toBe('identical');
    expect(r?.compared).toBe(7);
  });
});
