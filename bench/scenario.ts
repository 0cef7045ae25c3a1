/**
 * Scenario runtime figures: worker start latency, transpile + sandbox set-up
 * of a run, the facade's per-call overhead over a direct engine call, and
 * timeline bytes per op. The sandbox needs SES lockdown, so the measurements
 * run in an engine worker thread (like the CLI) where the realm is frozen.
 */
import { WorkerHost } from '../cli/worker-host';

const N = 20000;

export async function run(): Promise<void> {
  const host = new WorkerHost({ memoryMb: 1024 });
  const t0 = performance.now();
  await host.request('version', {}, { timeoutMs: 60000 });
  console.log(
    `worker start (spawn → ready, tsx from source): ${host.startMs.toFixed(0)} ms; first answer ${(performance.now() - t0).toFixed(0)} ms`,
  );

  const empty = await host.request('run', { source: '' }, { timeoutMs: 60000 });
  const t1 = performance.now();
  const again = await host.request('run', { source: 'lab.log(1)' }, { timeoutMs: 60000 });
  console.log(
    `run start (transpile + new Machine + Compartment + evaluate, empty scenario): ${empty.wallMs.toFixed(1)} ms first, ` +
      `${again.wallMs.toFixed(1)} ms warm; round trip ${(performance.now() - t1).toFixed(1)} ms`,
  );

  const loop = (body: string): string =>
    `const buf = lab.process.mmap(4096);\nfor (let i = 0; i < ${N}; i++) ${body};`;
  const viaLab = await host.request(
    'run',
    { source: loop('lab.pinCount(buf)'), digests: false },
    { timeoutMs: 120000 },
  );
  const viaLabKeep = await host.request(
    'run',
    { source: loop('lab.pinCount(buf)'), digests: false, keepEvents: true },
    { timeoutMs: 120000 },
  );
  const bare = await host.request(
    'run',
    { source: `let x = 0; for (let i = 0; i < ${N}; i++) x += i;` },
    { timeoutMs: 120000 },
  );
  const perOp = (viaLab.wallMs - bare.wallMs) / N;
  console.log(
    `facade call (lab.pinCount, timeline recorded): ${(perOp * 1000).toFixed(1)} µs/op over ${N} ops`,
  );
  const bytes = JSON.stringify(viaLabKeep.timeline).length;
  console.log(`timeline: ${(bytes / viaLabKeep.ops).toFixed(0)} bytes/op (JSON)`);
  await host.close();
}
