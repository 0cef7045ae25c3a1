import './testing/lockdown';
import { describe, expect, it } from 'vitest';
import { fail } from '../base/errno';
import { runScenario } from './runner';
import { FakeMachine } from './testing/fake-machine';

/** A machine whose unmap raises a driver warning and breaks an invariant. */
class Warny extends FakeMachine {
  broken = false;
  override open() {
    const fd = super.open();
    const alloc = fd.ioasAlloc.bind(fd);
    fd.ioasAlloc = () => {
      const io = alloc();
      const unmap = io.unmap.bind(io);
      io.unmap = (i, l) => {
        this.kernel.warn('mock-domain 1', 'unmap does not start on a map boundary');
        this.broken = true;
        return unmap(i, l);
      };
      return io;
    };
    return fd;
  }
  override checkInvariants(): void {
    if (this.broken) fail('EINVAL', 'area tree and domain disagree');
  }
}

const SRC = `
const io = lab.open().ioasAlloc();
const buf = lab.process.mmap(4096);
io.map(buf, 4096, { iova: 0x1000000 });
try { io.unmap(0x1000000, 4096); } catch (e) { lab.log('caught', e.message); }
lab.log('still running');
`;

describe('driver warnings and --check', () => {
  it('attaches a warning to the event that raised it', async () => {
    const { result } = await runScenario(() => new Warny(), { source: SRC });
    expect(result.ok).toBe(true);
    const unmap = result.timeline.events.find((e) => e.op === 'ioas.unmap');
    expect(unmap?.warnings).toEqual(['mock-domain 1: unmap does not start on a map boundary']);
    expect(unmap?.deltas.warnings).toBe(1);
  });

  it('--check fails the run on a driver warning, and the scenario cannot catch it away', async () => {
    const { result } = await runScenario(() => new Warny(), { source: SRC, check: true });
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({ errno: 'WARN', line: 5 });
    expect(result.error?.message).toMatch(/driver warning after ioas.unmap/);
    // the scenario caught it, but every later use of lab (even lab.log) throws it again
    expect(result.timeline.logs).toEqual([]);
  });

  it('--check fails the run on an invariant violation', async () => {
    class Broken extends Warny {
      override open() {
        const fd = FakeMachine.prototype.open.call(this);
        this.broken = true;
        return fd;
      }
    }
    const { result } = await runScenario(() => new Broken(), { source: SRC, check: true });
    expect(result.error).toMatchObject({ errno: 'INVARIANT', line: 2 });
    expect(result.error?.message).toMatch(/invariant violated after lab.open: area tree and domain disagree/);
  });
});
