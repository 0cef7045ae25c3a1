/**
 * The open study result (a `pfnlab-study` file from `npm run bench -- study`
 * or `pfnlab bench`) and how the Study view shows it: the axis values hidden
 * by the filters, the chart's metric and scale, the table's sort. Opened by
 * the Open Study… command, a dropped file, or a study file that came through
 * the documents' or the runs' open (they hand it over). A file that cannot be
 * read sets `error` and changes nothing: the study, documents and run shown
 * stay as they were. The cells are kept out of reactivity (markRaw).
 */
import { defineStore } from 'pinia';
import { markRaw } from 'vue';
import type { StudyFile } from '../../engine/scenario/study-file/format';
import { getLabApi } from '../lab';
import {
  axisValues,
  cellViews,
  noneHidden,
  shownViews,
  type AxisKey,
  type AxisValue,
  type CellView,
} from '../study/cells';
import { buildChart, spansDecades, type ChartData, type GroupKey } from '../study/chart-data';
import { sizeText } from '../study/format';
import { csvName, tableCsv } from '../study/csv';
import { metricOf, type MetricId } from '../study/metrics';
import { readStudy } from '../study/read';
import { nextSort, sortViews, type ColumnId, type Sort } from '../study/table';

export type ScaleChoice = 'auto' | 'linear' | 'log';

export const useStudyStore = defineStore('study', {
  state: () => ({
    file: null as StudyFile | null,
    name: '',
    views: markRaw([]) as CellView[],
    /** The Study view is on screen (over the workspace). */
    visible: false,
    error: null as string | null,
    notice: null as string | null,
    hidden: noneHidden(),
    metric: 'vs-iommufd' as MetricId,
    /** The user picked the metric (else each file opens on the one that fits it). */
    metricChosen: false,
    scale: 'auto' as ScaleChoice,
    /** The chart's groups: one per operation, or per backing, size, domain count. */
    groupBy: 'operation' as GroupKey,
    sort: { column: null, desc: false } as Sort,
    /** Bumped at each file opened (the chart redraws). */
    version: 0,
  }),
  getters: {
    shown(s): CellView[] {
      return shownViews(s.views, s.hidden);
    },
    rows(): CellView[] {
      return sortViews(this.shown, this.sort);
    },
    chart(): ChartData {
      const f = this.file;
      if (!f) return { groups: [], strategies: [], minPositive: Number.NaN, max: Number.NaN };
      const by = this.groupBy;
      return buildChart(
        this.shown,
        metricOf(this.metric),
        axisValues(f, by).map(String),
        axisValues(f, 'strategy').map(String),
        by,
        by === 'size'
          ? (v) => sizeText(Number(v))
          : by === 'domains'
            ? (v) => `${v} domain${v === '1' ? '' : 's'}`
            : undefined,
      );
    },
    /** Whether the chart draws on a log scale now. */
    log(): boolean {
      if (this.scale === 'auto') return spansDecades(this.chart);
      return this.scale === 'log';
    },
  },
  actions: {
    /** Read a study's text; true when it is now the open study. A bad file: `error` names the problem, nothing else changes. */
    loadText(name: string, text: string): boolean {
      let f: StudyFile;
      try {
        f = readStudy(text);
      } catch (e) {
        this.error = `${name}: ${e instanceof Error ? e.message : String(e)}. Nothing was changed.`;
        return false;
      }
      this.file = markRaw(f);
      this.views = markRaw(cellViews(f));
      this.name = name;
      this.error = null;
      this.notice = null;
      this.hidden = noneHidden();
      this.sort = { column: null, desc: false };
      // one strategy only: its ratio to iommufd is 1× everywhere, so the floor ratio says more
      if (!this.metricChosen)
        this.metric = new Set(f.cells.map((c) => c.strategy)).size > 1 ? 'vs-iommufd' : 'vs-floor';
      this.visible = true;
      this.version++;
      return true;
    },

    /** The Open Study… command: a dialog for a study file. */
    async openFile(): Promise<boolean> {
      const r = await getLabApi().app.openFile('study');
      if (!r.ok) {
        this.error = `Open failed: ${r.error.message || r.error.errno}`;
        return false;
      }
      if (r.value === null) return false;
      return this.loadText(r.value.name, r.value.text);
    },

    show(): void {
      if (this.file) this.visible = true;
    },
    hide(): void {
      this.visible = false;
    },

    isHidden(axis: AxisKey, v: AxisValue): boolean {
      return this.hidden[axis].includes(v);
    },
    toggle(axis: AxisKey, v: AxisValue): void {
      const h = this.hidden[axis];
      this.hidden[axis] = h.includes(v) ? h.filter((x) => x !== v) : [...h, v];
    },
    /** Show only this value of the axis (a second time: all of them again). */
    only(axis: AxisKey, v: AxisValue): void {
      const f = this.file;
      if (!f) return;
      const all = axisValues(f, axis);
      const onlyThis = this.hidden[axis].length === all.length - 1 && !this.hidden[axis].includes(v);
      this.hidden[axis] = onlyThis ? [] : all.filter((x) => x !== v);
    },
    resetFilters(): void {
      this.hidden = noneHidden();
    },
    setMetric(m: MetricId): void {
      this.metric = m;
      this.metricChosen = true;
    },
    setGroupBy(g: GroupKey): void {
      this.groupBy = g;
    },
    setScale(s: ScaleChoice): void {
      this.scale = s;
    },
    sortBy(c: ColumnId): void {
      this.sort = nextSort(this.sort, c);
    },

    /** Save the table (shown rows, shown order) as CSV. */
    async exportCsv(): Promise<boolean> {
      if (!this.file) return false;
      const r = await getLabApi().app.saveFileAs(csvName(this.name), tableCsv(this.rows), 'csv');
      if (!r.ok) {
        this.error = `Export failed: ${r.error.message || r.error.errno}`;
        return false;
      }
      if (r.value === null) return false;
      this.notice = `Exported ${r.value.name} (${this.rows.length} rows)`;
      return true;
    },

    dismissError(): void {
      this.error = null;
    },
    dismissNotice(): void {
      this.notice = null;
    },
  },
});
