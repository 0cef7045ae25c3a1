import { describe, expect, it } from 'vitest';
import { UNMAP_MAX_TRIES } from '../io-pagetable/unmap';
import { expectErrno, fixture, MB, MOCK_START, P, PB, teardown } from '../io-pagetable/test-fixture';

describe('accesses', () => {
  it('pin and unpin: items, pin-once with a domain, uptr check, ENOENT for unknown items', () => {
    const f = fixture();
    f.ioas.attachDomain();
    const a = f.ctx.createAccess(f.ioas, { needsPinPages: true });
    expect(f.ioas.iovaRanges().alignment).toBe(PB);
    f.ioas.map(f.buf, 8 * P, { iova: MOCK_START });
    const it = a.pin(MOCK_START + PB, 2n * PB, { uptr: f.buf + P, write: true });
    expect([it.iova, it.length]).toEqual([MOCK_START + PB, 2n * PB]);
    expect(a.items).toHaveLength(1);
    f.m.checkRefs(f.buf, 8 * P, 1); // held by the domain and the xarray, pinned once
    expectErrno(() => a.pin(MOCK_START, PB, { uptr: f.buf + 2 * P }), 'EBADE');
    expect(a.items).toHaveLength(1);
    a.unpin(it);
    expectErrno(() => a.unpin(it), 'ENOENT', /already released/);
    expectErrno(() => a.unpin(99), 'ENOENT');
    expectErrno(() => a.unpin('1' as never), 'EINVAL', /item/);
    const it2 = a.pin(MOCK_START, PB);
    a.unpin(it2.id);
    a.close();
    expect(f.ioas.iovaRanges().alignment).toBe(2048n);
    teardown(f);
  });

  it('item ids count from 0 per access, as the selftest staccess->next_id (the oracle kernel gives 0 first)', () => {
    const f = fixture();
    f.ioas.map(f.buf, 8 * P, { iova: MOCK_START });
    const a = f.ctx.createAccess(f.ioas, { needsPinPages: true });
    const b = f.ctx.createAccess(f.ioas, { needsPinPages: true });
    expect([a.pin(MOCK_START, PB).id, a.pin(MOCK_START, PB).id, b.pin(MOCK_START, PB).id]).toEqual([0, 1, 0]);
    a.unpin(0);
    expect(a.pin(MOCK_START, PB).id).toBe(2); // never reused
    a.close();
    b.close();
    teardown(f);
  });

  it('ACCESS_PAGES / ACCESS_RW check the 16 MiB limit before looking the access up (selftest order)', () => {
    const f = fixture();
    const a = f.ctx.createAccess(f.ioas, { needsPinPages: true });
    a.close();
    const big = 16 * MB + P;
    expectErrno(() => a.pin(MOCK_START, BigInt(big)), 'ENOMEM', /16 MiB/);
    expectErrno(() => a.read(MOCK_START, big), 'ENOMEM', /16 MiB/);
    expectErrno(() => a.write(MOCK_START, new Uint8Array(big)), 'ENOMEM', /16 MiB/);
    expectErrno(() => a.pin(MOCK_START, PB), 'ENOENT', /closed/);
    teardown(f);
  });

  it('pin rules: page alignment, gaps, length limit, permission, no needsPinPages', () => {
    const f = fixture();
    const a = f.ctx.createAccess(f.ioas, { needsPinPages: true });
    f.ioas.map(f.buf, 4 * P, { iova: 0x100000n, write: false });
    f.ioas.map(f.buf + 4 * P, 4 * P, { iova: 0x104000n });
    expectErrno(() => a.pin(0x100000n, PB, { write: true }), 'EPERM', /write/);
    expectErrno(() => a.pin(0x100800n, PB), 'EINVAL', /whole pages/);
    expectErrno(() => a.pin(0x107000n, 2n * PB), 'ENOENT', /gap at 0x108000/);
    expectErrno(() => a.pin(0x100000n, 16 * MB + 1), 'ENOMEM', /16 MiB/);
    expectErrno(() => a.pin(0x100000n, 0), 'EINVAL', /length/);
    // across two areas, read only
    const it = a.pin(0x103000n, 2n * PB, { uptr: f.buf + 3 * P });
    f.m.checkRefs(f.buf + 3 * P, 2 * P, 1);
    f.m.checkRefs(f.buf, 3 * P, 0);
    a.unpin(it);
    const b = f.ctx.createAccess(f.ioas);
    expectErrno(() => b.pin(0x100000n, PB), 'EINVAL', /needsPinPages/);
    a.close();
    b.close();
    expectErrno(() => b.close(), 'ENOENT');
    teardown(f);
  });

  it('read/write at any byte granularity across areas, fast and slow path', () => {
    const f = fixture();
    const a = f.ctx.createAccess(f.ioas);
    f.ioas.map(f.buf + 100, 3 * P, { iova: 0x200064n });
    f.ioas.map(f.buf + 100 + 3 * P, 2 * P, { iova: 0x200064n + 3n * PB });
    const data = new Uint8Array(9000).map((_, i) => (i * 7 + 1) & 0xff);
    a.write(0x200064n + 1000n, data);
    expect(f.proc.read(f.buf + 1100, 9000)).toEqual(data);
    expect(a.read(0x200064n + 1000n, 9000, { slowPath: true })).toEqual(data);
    const d2 = new Uint8Array([9, 8, 7]);
    a.write(0x200064n + 3n * PB - 1n, d2, { slowPath: true });
    expect(a.read(0x200064n + 3n * PB - 1n, 3)).toEqual(d2);
    f.m.checkRefs(f.buf, 8 * P, 0); // rw pins nothing for long
    expectErrno(() => a.read(0x200000n, 4), 'ENOENT');
    expectErrno(() => a.read(0x200064n, 16 * MB + 1), 'ENOMEM');
    expectErrno(() => a.read(0x200064n, 0), 'EINVAL');
    expectErrno(() => a.write(0x200064n, [1, 2] as never), 'EINVAL', /data/);
    a.close();
    teardown(f);
  });

  it("unmap notifies: 'unpin' drops every intersecting item, the unmap proceeds", () => {
    const f = fixture();
    f.ioas.attachDomain();
    const a = f.ctx.createAccess(f.ioas, { needsPinPages: true });
    f.ioas.map(f.buf, 4 * P, { iova: MOCK_START });
    f.ioas.map(f.buf + 4 * P, 4 * P, { iova: MOCK_START + 4n * PB });
    a.pin(MOCK_START, PB);
    a.pin(MOCK_START + PB, PB);
    const keep = a.pin(MOCK_START + 5n * PB, PB);
    expect(f.ioas.unmap(MOCK_START, 4n * PB)).toBe(4n * PB);
    expect(a.items).toEqual([keep]);
    expect(a.unmapNotifications).toBe(1);
    f.m.checkRefs(f.buf, 4 * P, 0);
    f.m.checkRefs(f.buf + 5 * P, P, 1);
    expect(f.ioas.unmap(0, (1n << 64n) - 1n)).toBe(4n * PB);
    expect(a.items).toEqual([]);
    a.close();
    teardown(f);
  });

  it("'ignore' keeps the pins: EDEADLOCK after the retries, the area refuses new pins", () => {
    const f = fixture();
    const a = f.ctx.createAccess(f.ioas, { needsPinPages: true, onUnmap: 'ignore' });
    f.ioas.map(f.buf, P, { iova: 0x100000n });
    f.ioas.map(f.buf + P, P, { iova: 0x101000n });
    a.pin(0x101000n, PB);
    const detail = expectErrno(() => f.ioas.unmap(0x100000n, 2n * PB), 'EDEADLOCK', /still pinned/) as {
      unmapped: bigint;
    };
    expect(detail.unmapped).toBe(PB); // the first area went
    expect(a.unmapNotifications).toBe(UNMAP_MAX_TRIES + 1);
    expectErrno(() => a.pin(0x101000n, PB), 'EINVAL', /being unmapped/);
    expect(f.m.digest().contexts[0].ioas[0].areas[0].preventAccess).toBe(true);
    a.close(); // unpins everything
    expect(f.ioas.unmap(0x101000n, PB)).toBe(PB);
    teardown(f);
  });

  it('an access needing pin pages raises the alignment: EADDRINUSE with a misaligned area', () => {
    const f = fixture();
    f.ioas.map(f.buf + 0x800, P, { iova: 0x100800n });
    expectErrno(() => f.ctx.createAccess(f.ioas, { needsPinPages: true }), 'EADDRINUSE');
    expect(f.ctx.objectCount).toBe(1);
    const a = f.ctx.createAccess(f.ioas);
    expect(f.ioas.iovaRanges().alignment).toBe(1n);
    a.close();
    teardown(f);
  });
});

describe('processes as callers', () => {
  it('a child maps and exits: attaching a domain later fails with EFAULT (nothing was pinned)', () => {
    const f = fixture();
    const child = f.proc.fork();
    f.ioas.map(f.buf, 8 * P, { iova: MOCK_START, process: child });
    child.exit();
    const before = f.m.digest();
    expectErrno(() => f.ioas.attachDomain(), 'EFAULT');
    expect(f.m.digest()).toEqual(before);
    expectErrno(() => f.ioas.map(f.buf, P, { process: child }), 'EINVAL', /exited/);
    teardown(f);
  });

  it('a child maps into a domain and exits: a second domain is filled from the first', () => {
    const f = fixture();
    f.ioas.attachDomain();
    const child = f.proc.fork();
    f.ioas.map(f.buf, 8 * P, { iova: MOCK_START, process: child });
    expect(child.accounting().mmPinnedVm).toBe(8);
    child.exit();
    const d2 = f.ioas.attachDomain();
    d2.checkMap(MOCK_START, 8n * PB, f.buf);
    f.m.checkRefs(f.buf, 8 * P, 1);
    f.m.checkInvariants();
    f.ctx.close();
    expect(child.accounting().mmPinnedVm).toBe(0);
    expect(f.m.teardownCheck()).toEqual([]);
  });
});
