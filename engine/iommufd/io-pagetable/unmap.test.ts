import { describe, expect, it } from 'vitest';
import { U64_MAX } from '../../base';
import { expectErrno, fixture, MOCK_START, P, PB, teardown } from './test-fixture';

describe('iopt_unmap_iova: non-atomic semantics', () => {
  it('removes every area fully inside the range, in order', () => {
    const f = fixture();
    f.ioas.attachDomain();
    const base = MOCK_START;
    for (let i = 0; i < 4; i++) f.ioas.map(f.buf + i * P, P, { iova: base + BigInt(i) * PB });
    f.m.checkRefs(f.buf, 4 * P, 1);
    expect(f.ioas.unmap(base, 4n * PB)).toBe(4n * PB);
    f.m.checkRefs(f.buf, 4 * P, 0);
    teardown(f);
  });

  it('a straddling area stops the call with ENOENT after earlier areas are gone', () => {
    const f = fixture();
    f.ioas.attachDomain();
    const base = MOCK_START;
    f.ioas.map(f.buf, 2 * P, { iova: base });
    f.ioas.map(f.buf + 2 * P, 2 * P, { iova: base + 2n * PB });
    const detail = expectErrno(() => f.ioas.unmap(base, 3n * PB), 'ENOENT', /not fully inside/) as {
      unmapped: bigint;
    };
    expect(detail.unmapped).toBe(2n * PB);
    f.m.checkRefs(f.buf, 2 * P, 0);
    f.m.checkRefs(f.buf + 2 * P, 2 * P, 1);
    // the second area is intact
    expect(f.ioas.unmap(base + 2n * PB, 2n * PB)).toBe(2n * PB);
    teardown(f);
  });

  it('ENOENT when nothing is mapped; unmap of everything then succeeds with 0', () => {
    const f = fixture();
    expectErrno(() => f.ioas.unmap(PB, PB), 'ENOENT');
    expect(f.ioas.unmap(0, U64_MAX)).toBe(0n);
    f.ioas.map(f.buf, P);
    f.ioas.map(f.buf, 3 * P);
    expect(f.ioas.unmap(0n, U64_MAX)).toBe(4n * PB);
    teardown(f);
  });

  it('argument errors: zero length, wrap, values at ULONG_MAX', () => {
    const f = fixture();
    expectErrno(() => f.ioas.unmap(PB, 0), 'EINVAL', /length/);
    expectErrno(() => f.ioas.unmap(U64_MAX - PB, 2n * PB), 'EOVERFLOW');
    expectErrno(() => f.ioas.unmap(U64_MAX, 1), 'EOVERFLOW', /iova/);
    expectErrno(() => f.ioas.unmap(-1, 1), 'EINVAL', /iova/);
    expectErrno(() => f.ioas.unmap(1.5, 1), 'EINVAL', /iova/);
    expectErrno(() => f.ioas.unmap(1, 1n << 64n), 'EINVAL', /length/);
    expectErrno(() => f.ioas.unmap('1' as unknown as number, 1), 'EINVAL', /iova/);
    teardown(f);
  });
});
