import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InspectQuery, RunResult } from '../../electron/shared/lab-api';
import { answerFromDigest } from '../../engine/iommufd/inspect/digest-tiers';
import { parseRunFile, serializeRun } from '../../engine/scenario/run-file';
import type { TraceFile } from '../../engine/scenario/export';
import { ENGINE_VERSION } from '../../engine/version';
import { setLabApi } from '../lab';
import { digestAfter, testRunResult } from '../runfile/test-run';
import { fakeLab, type FakeLab } from '../tests/fakes';
import type { MemoryAppHost } from '../tests/memory-app-host';
import { useInspectStore } from './inspect';
import { useRunsStore } from './runs';
import { useSettingsStore } from './settings';

const SOURCE = 'const fd = lab.open();\n';
let lab: FakeLab;
let host: MemoryAppHost;
let replayResult: RunResult;

function freshApp(): void {
  setActivePinia(createPinia());
  replayResult = testRunResult();
  lab = fakeLab({ run: () => ({ ok: true, value: replayResult }) });
  host = lab.app as MemoryAppHost;
  setLabApi(lab);
}

/** Run the fixture in the store and export it; the run file's text. */
async function ranAndExported(): Promise<string> {
  const runs = useRunsStore();
  await runs.run(SOURCE, 'x.ts');
  expect(runs.status).toBe('done');
  expect(await runs.exportRun()).toBe(true);
  return host.files.get('x.pfnrun.json') as string;
}

const runCalls = (): unknown[] => lab.calls.filter((c) => c.method === 'run').map((c) => c.params);

beforeEach(freshApp);
afterEach(() => vi.restoreAllMocks());

describe('runs store: saved runs', () => {
  it('exportRun writes a run file with the run’s source, seed, events, counters and digests', async () => {
    const text = await ranAndExported();
    const saved = parseRunFile(text);
    const r = testRunResult();
    expect(saved.scenario).toEqual({ fileName: 'x.ts', source: SOURCE });
    expect(saved.options).toEqual({ seed: useSettingsStore().seed, check: useSettingsStore().check });
    expect(saved.engine.version).toBe(ENGINE_VERSION);
    expect(saved.outcome).toMatchObject({ status: 'done', ok: true, ops: 12, wallMs: 4.5 });
    expect(saved.timeline.events).toEqual(r.timeline.events);
    expect(saved.timeline.digests).toEqual(r.timeline.digests);
    expect(saved.timeline.marks).toEqual(r.timeline.marks);
    expect(saved.counters).toEqual(r.counters);
    expect(useRunsStore().fileNotice).toBe('Exported x.pfnrun.json');
  });

  it('after a reload, opening the file shows the same run without running it', async () => {
    const text = await ranAndExported();
    const before = useRunsStore().data;
    const digestsBefore = [3, 7, 12].map((s) => before.digestAt(s));
    const countersBefore = [0, 5, 12].map((s) => before.countersAt(s));
    freshApp(); // the page reloads: new stores, new engine
    host.files.set('/home/u/x.pfnrun.json', text);
    host.nextOpen = '/home/u/x.pfnrun.json';
    const runs = useRunsStore();
    expect(await runs.openRunFile()).toBe(true);
    expect(runs.status).toBe('done');
    expect(runs.current).toMatchObject({ fileName: 'x.ts', source: SOURCE, seed: 1, seq: 12, runId: null });
    expect(runs.current?.saved).toMatchObject({ name: 'x.pfnrun.json', engine: ENGINE_VERSION });
    expect(runs.data.events).toEqual(testRunResult().timeline.events);
    expect([3, 7, 12].map((s) => runs.data.digestAt(s))).toEqual(digestsBefore);
    expect([0, 5, 12].map((s) => runs.data.countersAt(s))).toEqual(countersBefore);
    expect(runs.data.logs.map((l) => l.text)).toEqual(['hello']);
    expect(runCalls()).toEqual([]);
    expect(runs.savedByOtherEngine).toBe(false);
  });

  it('tier summaries of a saved run come from its digests, with no engine call', async () => {
    const text = await ranAndExported();
    freshApp();
    const runs = useRunsStore();
    await runs.loadRunText('x.pfnrun.json', text);
    const q: InspectQuery[] = [{ kind: 'tiers', pages: 1, buckets: 32, detail: false }];
    const answers = await useInspectStore().query(q, 5);
    expect(answers).toEqual(answerFromDigest(digestAfter(5), q));
    expect(lab.calls).toEqual([]);
  });

  it('the machine at a step (physical memory) comes from a replay of the file’s source and seed', async () => {
    const text = await ranAndExported();
    freshApp();
    const runs = useRunsStore();
    await runs.loadRunText('x.pfnrun.json', text.replace('"seed":1', '"seed":4'));
    const data = runs.data;
    await useInspectStore().query([{ kind: 'phys', buckets: 16 }], 5);
    expect(runCalls()).toEqual([expect.objectContaining({ source: SOURCE, seed: 4, stopAfter: 12 })]);
    expect(runs.data).toBe(data); // the file stays what is shown
    expect(runs.replayDiffers).toBe(false);
  });

  it('a saved --strategy run replays under its strategy, shows it, and exports it again', async () => {
    const text = await ranAndExported();
    const saved = parseRunFile(text);
    const naive = serializeRun({ ...saved, options: { ...saved.options, strategy: 'naive' } });
    freshApp();
    const runs = useRunsStore();
    expect(await runs.loadRunText('n.pfnrun.json', naive)).toBe(true);
    expect(runs.current?.strategy).toBe('naive');
    expect(runs.current?.saved?.strategy).toBe('naive');
    await useInspectStore().query([{ kind: 'phys', buckets: 16 }], 5);
    expect(runCalls()).toEqual([expect.objectContaining({ source: SOURCE, strategy: 'naive', stopAfter: 12 })]);
    expect(parseRunFile(runs.runFileText() ?? '').options.strategy).toBe('naive');
    // a file without one replays under the default
    freshApp();
    await useRunsStore().loadRunText('x.pfnrun.json', text);
    await useInspectStore().query([{ kind: 'phys', buckets: 16 }], 5);
    expect((runCalls()[0] as { strategy?: string }).strategy).toBeUndefined();
    expect(useRunsStore().current?.saved?.strategy).toBeUndefined();
  });

  it('says so when this engine’s replay does not reach the recorded state, or the engine differs', async () => {
    const text = await ranAndExported();
    freshApp();
    const runs = useRunsStore();
    await runs.loadRunText(
      'old.pfnrun.json',
      text.replace(`"version":"${ENGINE_VERSION}"`, '"version":"0.0.1"'),
    );
    expect(runs.savedByOtherEngine).toBe(true);
    replayResult = testRunResult(12);
    (replayResult.timeline.digests as unknown[])[11] = digestAfter(11);
    await runs.restoreSession();
    expect(runs.replayDiffers).toBe(true);
  });

  it('a corrupt, truncated or newer file: a clear error and nothing changes', async () => {
    const text = await ranAndExported();
    const runs = useRunsStore();
    const current = runs.current;
    const data = runs.data;
    const version = runs.version;
    const bad: [string, string, RegExp][] = [
      ['cut.pfnrun.json', text.slice(0, 300), /^cut\.pfnrun\.json: not JSON \(truncated at byte 300\?\)$/],
      [
        'new.pfnrun.json',
        text.replace('"version":1,', '"version":3,'),
        /made by a newer PFN Lab \(format 3; this one reads 2\)$/,
      ],
      [
        'bad.pfnrun.json',
        text.replace('"seq":4,', '"seq":"4",'),
        /timeline\.events\[3\]\.seq: expected an integer, got string$/,
      ],
      ['scenario.ts', SOURCE, /^scenario\.ts: not JSON/],
    ];
    for (const [name, body, msg] of bad) {
      host.files.set(name, body);
      host.nextOpen = name;
      expect(await runs.openRunFile()).toBe(false);
      expect(runs.runFileError).toMatch(msg);
      expect(runs.current).toBe(current);
      expect(runs.data).toBe(data);
      expect(runs.version).toBe(version);
      expect(runs.status).toBe('done');
    }
    runs.dismissRunFileError();
    expect(runs.runFileError).toBeNull();
    host.nextOpen = null; // cancelled: nothing at all
    expect(await runs.openRunFile()).toBe(false);
    expect(runs.runFileError).toBeNull();
  });

  it('exportCsv and exportTrace write the shared exporters’ files', async () => {
    await ranAndExported();
    const runs = useRunsStore();
    expect(await runs.exportCsv()).toBe(true);
    const csv = (host.files.get('x.csv') as string).trimEnd().split('\n');
    expect(csv).toHaveLength(13);
    expect(csv[0]).toMatch(/^seq,op,target,line,errno,t_ms,dur_ms,/);
    expect(await runs.exportTrace()).toBe(true);
    const trace = JSON.parse(host.files.get('x.trace.json') as string) as TraceFile;
    expect(trace.traceEvents.filter((e) => e.ph === 'X' && e.cat === 'op')).toHaveLength(12);
    expect(trace.otherData).toMatchObject({ file: 'x.ts', ok: true, ops: 12 });
  });

  it('exportPng encodes the dashboard canvas', async () => {
    await ranAndExported();
    const canvas = document.createElement('canvas');
    canvas.dataset.testid = 'dashboard-canvas';
    document.body.append(canvas);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    canvas.toBlob = (cb: BlobCallback) => cb(new Blob([png], { type: 'image/png' }));
    expect(await useRunsStore().exportPng()).toBe(true);
    expect(host.files.get('x.png')).toEqual(png);
    canvas.remove();
  });

  it('nothing to export before a run; a failed Save As is an error', async () => {
    const runs = useRunsStore();
    expect(await runs.exportRun()).toBe(false);
    expect(host.files.size).toBe(0);
    await runs.run(SOURCE, 'x.ts');
    host.nextSaveAs = { errno: 'EACCES', message: '/ro/x.pfnrun.json: permission denied' };
    expect(await runs.exportRun()).toBe(false);
    expect(runs.runFileError).toBe('/ro/x.pfnrun.json: permission denied');
  });

  it('a saved run exported again is the same run (and keeps when and by which engine it ran)', async () => {
    const text = await ranAndExported();
    freshApp();
    const runs = useRunsStore();
    await runs.loadRunText(
      'x.pfnrun.json',
      text.replace(`"version":"${ENGINE_VERSION}"`, '"version":"0.0.1"'),
    );
    const again = parseRunFile(runs.runFileText() ?? '');
    expect(again).toEqual({ ...parseRunFile(text), engine: { version: '0.0.1', scenarioApi: 1 } });
  });

  it('opening a saved run while a run goes is refused, and the run goes on', async () => {
    const text = await ranAndExported();
    freshApp();
    lab = fakeLab({ run: () => new Promise(() => {}) });
    setLabApi(lab);
    const runs = useRunsStore();
    void runs.run(SOURCE, 'live.ts');
    await Promise.resolve();
    expect(runs.status).toBe('running');
    const current = runs.current;
    expect(await runs.loadRunText('x.pfnrun.json', text)).toBe(false);
    expect(runs.runFileError).toBe('x.pfnrun.json: a run is in progress; stop it before opening a saved run');
    expect(runs.current).toBe(current);
    expect(runs.status).toBe('running');
    await runs.stop();
  });

  it('a stopped run whose last frames named a digest that never came still exports a readable file', async () => {
    await ranAndExported();
    const runs = useRunsStore();
    runs.data.digests.length = 10; // events 11 and 12 name digests 10 and 11
    const saved = parseRunFile(runs.runFileText() ?? '');
    expect(saved.timeline.events.map((e) => e.digest).slice(9)).toEqual([9, -1, -1]);
  });
});
