import './testing/lockdown';
import { describe, expect, it } from 'vitest';
import { runFailnth } from './failnth';
import { FakeMachine } from './testing/fake-machine';

const SCENARIO = `
const fd = lab.open();
const io = fd.ioasAlloc();
const buf = lab.process.mmap(4 * 4096);
for (let i = 0; i < 3; i++) {
  try { io.map(buf, 4096, { iova: 0x1000000 + i * 4096 }); } catch (e) { lab.log('map failed', e.errno); }
}
io.unmap(0x1000000, 4096);
fd.close();
`;

describe('failnth', () => {
  it('fails every fallible step once and finds no leak in a clean engine', async () => {
    const r = await runFailnth(() => new FakeMachine(), { source: SCENARIO });
    expect(r.steps).toBe(3);
    expect(r.points).toBe(3);
    expect(r.leaks).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('reports a failing op that changed the state', async () => {
    class Leaky extends FakeMachine {
      override open() {
        const fd = super.open();
        const alloc = fd.ioasAlloc.bind(fd);
        fd.ioasAlloc = () => {
          const io = alloc();
          const map = io.map.bind(io);
          let mapped = 0;
          io.map = (u, l, o) => {
            mapped++;
            return map(u, l, o);
          };
          const digest = this.digest.bind(this);
          this.digest = () => ({ inner: digest(), mapped });
          return io;
        };
        return fd;
      }
    }
    const r = await runFailnth(() => new Leaky(), { source: SCENARIO });
    expect(r.points).toBe(3);
    expect(r.leaks.length).toBe(3);
    expect(r.leaks[0]?.problems[0]).toMatch(/ioas.map failed with ENOMEM but changed the state/);
    expect(r.ok).toBe(false);
  });
});
