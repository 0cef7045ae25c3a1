/**
 * Child process of bench/floor.ts (SES lockdown would freeze the bench
 * process for the modules after it): the scenario runtime targets, in
 * process through runScenario, the way the worker runs a scenario.
 *   - lab call overhead: 262 144 `domain.iovaToPhys` calls in a loop
 *     (timeline recorded: a position, deltas and an event per call), minus
 *     the same loop without the call;
 *   - a 100 000-op map/unmap run with a domain and a digest per event.
 * Prints one JSON line.
 */
import '../engine/scenario/testing/lockdown';
import { createMachine } from '../engine/scenario/machine-factory';
import { runScenario } from '../engine/scenario/runner';

const CALLS = 262_144;
const now = (): number => performance.now();

const LOOP = (body: string): string => `
  const fd = lab.open();
  const ioas = fd.ioasAlloc();
  const dom = ioas.attachDomain();
  const buf = lab.process.mmap(2 * 1024 * 1024, { populate: true });
  const iova = ioas.map(buf, 2 * 1024 * 1024);
  const end = iova + 2097152n;
  let x = 0;
  let a = iova;
  // no globals in the loop: SES resolves a global through its scope proxy (µs)
  for (let i = 0; i < ${CALLS}; i++) { ${body} a += 4096n; if (a === end) a = iova; }
`;

const DIGEST_RUN = `
  const PAGE = lab.PAGE_SIZE;
  const fd = lab.open();
  const ioas = fd.ioasAlloc();
  ioas.attachDomain();
  const buf = lab.process.mmap(256 * PAGE);
  for (let i = 0; i < 50000; i++) ioas.unmap(ioas.map(buf, (1 + (i % 200)) * PAGE), (1 + (i % 200)) * PAGE);
`;

/** Wall and CPU (user + system) time of one run: on a shared machine the CPU time is the steadier figure. */
async function wall(
  source: string,
  digests: boolean,
): Promise<{ ms: number; cpuMs: number; ops: number; ok: boolean }> {
  const c0 = process.cpuUsage();
  const t0 = now();
  const { result } = await runScenario(createMachine, { source, keepEvents: false, digests, now });
  const c = process.cpuUsage(c0);
  return { ms: now() - t0, cpuMs: (c.user + c.system) / 1000, ops: result.ops, ok: result.ok };
}

const only = process.argv[2];
const out: Record<string, number | boolean> = {};
if (only === undefined || only === 'calls') {
  const call = await wall(LOOP('x += dom.iovaToPhys(a) === null ? 0 : 1;'), true);
  const bare = await wall(LOOP('x += a === 0n ? 0 : 1;'), true);
  out.callLoopMs = call.ms;
  out.bareLoopMs = bare.ms;
  out.callUs = ((call.ms - bare.ms) * 1000) / CALLS;
  out.callCpuUs = ((call.cpuMs - bare.cpuMs) * 1000) / CALLS;
  out.callLoopCpuMs = call.cpuMs;
  out.callOps = call.ops;
  out.callOk = call.ok;
}
if (only === undefined || only === 'digests') {
  const d = await wall(DIGEST_RUN, true);
  out.digestRunMs = d.ms;
  out.digestOps = d.ops;
  out.digestUs = (d.ms * 1000) / d.ops;
  out.digestCpuUs = (d.cpuMs * 1000) / d.ops;
  out.digestOk = d.ok;
}
console.log(JSON.stringify(out));
