import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { createHandlers } from '../commands/handlers';
import { setLabApi } from '../lab';
import { testRunResult } from '../runfile/test-run';
import { studyFixture } from '../study/test-fixtures';
import { fakeLab, type FakeLab } from '../tests/fakes';
import type { MemoryAppHost } from '../tests/memory-app-host';
import { useDocumentsStore } from './documents';
import { useRunsStore } from './runs';
import { useStudyStore } from './study';

let lab: FakeLab;
let host: MemoryAppHost;
const TEXT = JSON.stringify(studyFixture());

beforeEach(() => {
  setActivePinia(createPinia());
  lab = fakeLab({ run: () => ({ ok: true, value: testRunResult() }) });
  host = lab.app as MemoryAppHost;
  setLabApi(lab);
});

describe('study store', () => {
  it('a study file opens: cells with ratios, the view shown, filters reset', () => {
    const s = useStudyStore();
    s.toggle('strategy', 'naive');
    expect(s.loadText('quick.pfnstudy.json', TEXT)).toBe(true);
    expect(s.visible).toBe(true);
    expect(s.name).toBe('quick.pfnstudy.json');
    expect(s.views.length).toBe(48);
    expect(s.hidden.strategy).toEqual([]);
    expect(s.chart.groups.map((g) => g.key)).toEqual(['map', 'unmap']);
    s.setGroupBy('size');
    expect(s.chart.groups.map((g) => g.label)).toEqual(['64 MiB']);
    s.setGroupBy('domains');
    expect(s.chart.groups.map((g) => g.label)).toEqual(['1 domain', '4 domains']);
  });

  it('a bad file names what is wrong and leaves the open study as it was', () => {
    const s = useStudyStore();
    s.loadText('good.pfnstudy.json', TEXT);
    s.toggle('backing', 'thp');
    const before = s.file;
    expect(s.loadText('bad.pfnstudy.json', TEXT.slice(0, 300))).toBe(false);
    expect(s.error).toMatch(/^bad\.pfnstudy\.json: not JSON/);
    expect(s.file).toBe(before);
    expect(s.name).toBe('good.pfnstudy.json');
    expect(s.hidden.backing).toEqual(['thp']);
    s.dismissError();
    expect(s.error).toBeNull();
  });

  it('a study of one strategy opens on the ratio to the floor (÷ iommufd is 1× there); a chosen metric stays', () => {
    const s = useStudyStore();
    const f = studyFixture();
    const only = JSON.stringify({ ...f, cells: f.cells.filter((c) => c.strategy === 'iommufd') });
    s.loadText('one.json', only);
    expect(s.metric).toBe('vs-floor');
    s.loadText('all.json', TEXT);
    expect(s.metric).toBe('vs-iommufd');
    s.setMetric('pte-writes');
    s.loadText('one.json', only);
    expect(s.metric).toBe('pte-writes');
  });

  it('filters, only, metric, scale and sort drive the chart and the rows', () => {
    const s = useStudyStore();
    s.loadText('q.json', TEXT);
    s.only('strategy', 'naive');
    expect(s.shown.every((v) => v.cell.strategy === 'naive')).toBe(true);
    expect(s.chart.strategies).toEqual(['naive']);
    s.only('strategy', 'naive'); // again: everything back
    expect(s.shown.length).toBe(48);
    s.setMetric('map-calls');
    expect(s.log).toBe(true); // auto: 32 … 65 536
    s.setScale('linear');
    expect(s.log).toBe(false);
    s.setMetric('vs-iommufd');
    s.setScale('auto');
    expect(s.log).toBe(false);
    s.sortBy('wall');
    s.sortBy('wall');
    const walls = s.rows.filter((r) => r.cell.status === 'ok').map((r) => r.cell.wallMs);
    expect(walls).toEqual([...walls].sort((a, b) => b - a));
  });

  it('Open Study… through the host dialog; a cancelled dialog changes nothing; Export CSV writes the shown rows', async () => {
    const s = useStudyStore();
    host.nextOpen = null;
    expect(await s.openFile()).toBe(false);
    expect(s.file).toBeNull();
    host.files.set('/d/quick.pfnstudy.json', TEXT);
    host.nextOpen = '/d/quick.pfnstudy.json';
    await createHandlers()['file.openStudy'].run();
    expect(s.name).toBe('quick.pfnstudy.json');
    s.toggle('operation', 'unmap');
    expect(await s.exportCsv()).toBe(true);
    const csv = host.files.get('quick.csv') as string;
    expect(csv.trimEnd().split('\r\n').length).toBe(1 + 24);
    expect(s.notice).toBe('Exported quick.csv (24 rows)');
    host.nextOpen = { errno: 'EACCES', message: '/d/x: permission denied' };
    expect(await s.openFile()).toBe(false);
    expect(s.error).toBe('Open failed: /d/x: permission denied');
    expect(s.name).toBe('quick.pfnstudy.json');
  });

  it('a study dropped or handed over goes to the study store, not into a tab', async () => {
    const docs = useDocumentsStore();
    const tabs = docs.docs.map((d) => d.text);
    await docs.openDropped([new File([TEXT], 'dropped.pfnstudy.json')]);
    expect(useStudyStore().name).toBe('dropped.pfnstudy.json');
    expect(docs.docs.map((d) => d.text)).toEqual(tabs);
    host.files.set('/r/recent.pfnstudy.json', TEXT);
    await docs.openHandle('/r/recent.pfnstudy.json');
    expect(useStudyStore().name).toBe('recent.pfnstudy.json');
    expect(docs.docs.map((d) => d.text)).toEqual(tabs);
  });

  it('a study opened as a run (Open Run…) shows in the Study view; the current run stays', async () => {
    const runs = useRunsStore();
    await runs.run('const fd = lab.open();\n', 'x.ts');
    const rec = runs.current;
    host.files.set('/d/s.pfnstudy.json', TEXT);
    host.nextOpen = '/d/s.pfnstudy.json';
    expect(await runs.openRunFile()).toBe(true);
    expect(useStudyStore().name).toBe('s.pfnstudy.json');
    expect(runs.current).toBe(rec);
    expect(runs.runFileError).toBeNull();
  });
});
