// Smoke test of the BUILT engine worker of the desktop app (out/main/chunks/entry-*.js,
// emitted by electron-vite from the `?nodeWorker` import): starts it in a Node worker
// thread with resource limits, as electron/main does, and checks the version round
// trip under SES lockdown, and a scenario run. Prints "N passed, N failed"; exits non-zero on failure.
import { readdirSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

const dir = new URL('../../out/main/chunks/', import.meta.url);
let passed = 0;
let failed = 0;
const check = (name, ok, info = '') => {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${info ? `: ${info}` : ''}`);
};

try {
  const entry = readdirSync(dir).find((f) => /^entry-.*\.js$/.test(f));
  if (!entry) throw new Error('no out/main/chunks/entry-*.js: run electron-vite build first');
  const worker = new Worker(new URL(entry, dir), {
    execArgv: [],
    resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32 },
  });
  const result = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out after 20 s')), 20000);
    const seen = {};
    worker.on('error', reject);
    worker.on('message', (m) => {
      if (m.type === 'event' && m.event === 'ready') {
        seen.ready = m.data;
        worker.postMessage({ type: 'request', id: 1, method: 'version', params: {} });
      } else if (m.type === 'response' && m.id === 1) {
        seen.version = m;
        worker.postMessage({ type: 'request', id: 2, method: 'no-such-method', params: {} });
      } else if (m.type === 'response' && m.id === 2) {
        seen.unknown = m;
        const source = "const b = lab.process.mmap(65536);\nlab.log('ok', lab.pinCount(b));";
        worker.postMessage({ type: 'request', id: 3, method: 'run', params: { source, check: true } });
      } else if (m.type === 'response' && m.id === 3) {
        seen.run = m;
        clearTimeout(timer);
        resolve(seen);
      }
    });
  });
  await worker.terminate();
  check(
    'built worker announces ready',
    typeof result.ready?.engine === 'string',
    JSON.stringify(result.ready),
  );
  check('version round trip', result.version.ok && result.version.result.engine === result.ready.engine);
  check('runs under SES lockdown', result.version.ok && result.version.result.hardened === true);
  check('unknown method is ENOSYS', !result.unknown.ok && result.unknown.error.errno === 'ENOSYS');
  const run = result.run.ok ? result.run.result : null;
  check(
    'runs a scenario (sandbox, transpiler and engine load from the built chunk)',
    run?.ok === true && run.timeline.logs.some((l) => l.text === 'ok 0'),
    JSON.stringify(result.run.ok ? (run.error ?? run.timeline.logs) : result.run.error),
  );
} catch (e) {
  check('built engine worker', false, e instanceof Error ? e.message : String(e));
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
