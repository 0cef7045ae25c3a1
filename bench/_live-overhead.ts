/**
 * Child process of bench/inspect.ts (SES lockdown would freeze the bench
 * process for the modules after it): the same 100 000-op run with and
 * without live frames, in process, alternating, best of `REPS` each; frames
 * are structured-cloned like a postMessage.
 */
import '../engine/scenario/testing/lockdown';
import { createMachine } from '../engine/scenario/machine-factory';
import { runScenario } from '../engine/scenario/runner';
import { LiveFramer, liveSettings } from '../engine/worker/live';

const REPS = 2;
const SRC = `
  const PAGE = lab.PAGE_SIZE;
  const fd = lab.open();
  const ioas = fd.ioasAlloc();
  ioas.attachDomain();
  const buf = lab.process.mmap(256 * PAGE);
  for (let i = 0; i < 50000; i++) ioas.unmap(ioas.map(buf, (1 + (i % 200)) * PAGE), (1 + (i % 200)) * PAGE);
`;

const now = (): number => performance.now();
let off = Infinity;
let on = Infinity;
let share = 0;
let frames = 0;
let ops = 0;
for (let r = 0; r < REPS; r++) {
  const t0 = now();
  const plain = await runScenario(createMachine, { source: SRC, keepEvents: false, now });
  off = Math.min(off, now() - t0);
  ops = plain.result.ops;
  const settings = liveSettings({ fps: 20, buckets: 1024, physBuckets: 1024 });
  if (settings === null) throw new Error('live settings');
  let bytes = 0;
  const framer = new LiveFramer(settings, (f) => (bytes += structuredClone(f).events.length), now);
  const t1 = now();
  await runScenario(createMachine, {
    source: SRC,
    keepEvents: false,
    now,
    observe: (m, t) => framer.observe(m, t),
    sink: {
      onEvent: (e) => framer.onEvent(e),
      onMark: (m) => framer.onMark(m),
      onSpan: (s) => framer.onSpan(s),
      onLog: (l) => framer.onLog(l),
    },
  });
  framer.frame();
  const wall = now() - t1;
  if (wall < on) {
    on = wall;
    share = framer.frameMs / wall;
    frames = framer.frames;
  }
}
console.log(JSON.stringify({ ops, off, on, frames, share }));
