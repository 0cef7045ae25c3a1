/**
 * Saved-run file figures for a 100 000-op run with digests (map/unmap of a
 * small buffer with a domain attached, as in engine/scenario's timeline
 * test): the file's size per op, serializeRun and the validating
 * parseRunFile times, and the CSV and trace exporters on the same run.
 */
import { toCsv, toTrace } from '../engine/scenario/export';
import { fromResult, parseRunFile, serializeRun } from '../engine/scenario/run-file';
import { ENGINE_VERSION, SCENARIO_API_VERSION } from '../engine/version';
import { WorkerHost } from '../cli/worker-host';
import { deserialize, serialize } from 'node:v8';
import { parseReplies, RunAssembler } from '../renderer/runfile/parse-job';
import type { ParseReply } from '../renderer/runfile/parse-protocol';

const OPS = 100_000;

function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const r = fn();
  return [r, performance.now() - t0];
}

export async function run(): Promise<void> {
  const host = new WorkerHost({ memoryMb: 2048 });
  const source = `const fd = lab.open();
const ioas = fd.ioasAlloc();
ioas.attachDomain();
const buf = lab.process.mmap(4 * lab.PAGE_SIZE);
for (let i = 0; i < ${OPS / 2 - 2}; i++) {
  const iova = ioas.map(buf, (1 + (i % 4)) * lab.PAGE_SIZE);
  ioas.unmap(iova, (1 + (i % 4)) * lab.PAGE_SIZE);
}`;
  const result = await host.request(
    'run',
    { source, keepEvents: true, digests: true },
    { timeoutMs: 600_000 },
  );
  await host.close();
  const engine = { version: ENGINE_VERSION, scenarioApi: SCENARIO_API_VERSION };
  const meta = { fileName: 'bench.ts', source, seed: 1, check: false, ranAt: new Date(), engine };
  const tl = result.timeline;
  console.log(`run: ${result.ops} ops, ${tl.digests.length} distinct digests, ok ${result.ok}`);
  // warm up once (JIT), then measure
  parseRunFile(serializeRun(fromResult(result, meta)));
  const [text, tSer] = time(() => serializeRun(fromResult(result, meta)));
  const [back, tParse] = time(() => parseRunFile(text));
  const [, tCsv] = time(() => toCsv(result));
  const [, tTrace] = time(() => JSON.stringify(toTrace(result, 'bench.ts')));
  console.log(
    `run file: ${(text.length / 2 ** 20).toFixed(1)} MiB, ${(text.length / result.ops).toFixed(0)} bytes/op; ` +
      `serializeRun ${tSer.toFixed(0)} ms, parseRunFile (JSON.parse + every field checked) ${tParse.toFixed(0)} ms ` +
      `(${back.timeline.events.length} events)`,
  );
  const [, tJson] = time(() => JSON.parse(text) as unknown);
  console.log(
    `  of which JSON.parse alone ${tJson.toFixed(0)} ms; CSV ${tCsv.toFixed(0)} ms, trace ${tTrace.toFixed(0)} ms`,
  );
  // The app's main thread when it opens this file (renderer/runfile/parse-off-thread.ts).
  // Before: parseRunFile there, one task. After: the parse in a worker; the page
  // only clones the text out, then per reply (one task each) decodes it (V8's
  // ValueSerializer, as a postMessage does) and adds it to the run.
  const [, tPost] = time(() => serialize({ text }));
  const replies = parseReplies(text).map((r) => serialize(r));
  const asm = new RunAssembler();
  let sum = 0;
  let longest = 0;
  for (const bytes of replies) {
    const [, t] = time(() => asm.take(deserialize(bytes) as ParseReply));
    sum += t;
    if (t > longest) longest = t;
  }
  const whole = serialize(back);
  const [, tWhole] = time(() => deserialize(whole) as unknown);
  console.log(
    `opening it in the app, main thread: before (parseRunFile on the page) ${tParse.toFixed(0)} ms in one task; ` +
      `after (worker) post ${tPost.toFixed(0)} ms + ${replies.length} replies decoded in ${sum.toFixed(0)} ms, ` +
      `longest task ${Math.max(tPost, longest).toFixed(0)} ms (the whole run as one structured-clone message: ${tWhole.toFixed(0)} ms)`,
  );
}
