/**
 * Test double of monaco/setup's ScenarioEditor (Monaco does not run in
 * happy-dom): records what the panel asks of it and lets a test play the
 * user (type-check markers, cursor moves, Ctrl+Enter). Use with
 * `vi.mock('…/monaco/setup', () => fakeSetupModule())`.
 */
import type { EditorMarker, ScenarioEditor } from '../monaco/setup';

type TypeMarker = { severity: 'error' | 'warning'; line: number; column: number; message: string };

export interface FakeEditor extends ScenarioEditor {
  /** The shown document's text. */
  text: string;
  /** The shown document. */
  shown: string;
  /** Each document's model text (kept while another is shown, as Monaco's models). */
  models: Map<string, string>;
  closed: string[];
  highlighted: number;
  revealed: { line: number; column?: number }[];
  counts: ReadonlyMap<number, number>;
  runMarkers: readonly EditorMarker[];
  /** setRunMarkers calls. */
  runMarkerSets: number;
  /** Play the type checker. */
  emitMarkers(m: TypeMarker[]): void;
  /** Play the user moving the cursor. */
  moveCursor(line: number): void;
  pressRun(): void;
  /** Play the user typing: the shown document's whole new text. */
  type(t: string): void;
  disposed: boolean;
}

/** Markers every new editor reports at once (set by a test before mounting). */
export const queuedMarkers: TypeMarker[][] = [];
/** Editors made since the last reset (newest last). */
export const editors: FakeEditor[] = [];

export function makeFakeEditor(
  doc: { id: string; text: string },
  onChange: (id: string, t: string) => void,
): FakeEditor {
  let markerFns: ((m: TypeMarker[]) => void)[] = [];
  let cursorFns: ((line: number) => void)[] = [];
  let runFns: (() => void)[] = [];
  let typeMarkers: TypeMarker[] = queuedMarkers.at(-1) ?? [];
  const ed: FakeEditor = {
    text: doc.text,
    shown: doc.id,
    models: new Map([[doc.id, doc.text]]),
    closed: [],
    highlighted: 0,
    revealed: [],
    counts: new Map(),
    runMarkers: [],
    runMarkerSets: 0,
    disposed: false,
    getValue: () => ed.text,
    show(id, t) {
      if (id === ed.shown) return;
      ed.models.set(ed.shown, ed.text);
      ed.shown = id;
      ed.text = ed.models.get(id) ?? t;
      ed.models.set(id, ed.text);
      ed.highlighted = 0;
      ed.counts = new Map();
      for (const fn of markerFns) fn([...typeMarkers]);
    },
    setValue(t) {
      if (t === ed.text) return;
      ed.text = t;
      ed.models.set(ed.shown, t);
      onChange(ed.shown, t);
    },
    close(id) {
      if (id === ed.shown) return;
      ed.models.delete(id);
      ed.closed.push(id);
    },
    /** Play the user typing into the shown document. */
    type(t: string) {
      ed.text = t;
      ed.models.set(ed.shown, t);
      onChange(ed.shown, t);
    },
    onMarkers(fn) {
      markerFns.push(fn);
      for (const m of queuedMarkers) fn(m);
    },
    onCursorLine(fn) {
      cursorFns.push(fn);
    },
    onRun(fn) {
      runFns.push(fn);
    },
    highlightLine(line) {
      ed.highlighted = line;
    },
    revealLine(line, column) {
      ed.revealed.push({ line, column });
    },
    setLineCounts(c) {
      ed.counts = new Map(c);
    },
    setRunMarkers(m) {
      ed.runMarkers = [...m];
      ed.runMarkerSets++;
      // Like Monaco: a marker change re-announces the model's markers (a copy of the checker's), later.
      setTimeout(() => {
        for (const fn of markerFns) fn([...typeMarkers]);
      }, 0);
    },
    emitMarkers(m) {
      typeMarkers = m;
      for (const fn of markerFns) fn(m);
    },
    moveCursor(line) {
      for (const fn of cursorFns) fn(line);
    },
    pressRun() {
      for (const fn of runFns) fn();
    },
    dispose() {
      ed.disposed = true;
      markerFns = [];
      cursorFns = [];
      runFns = [];
    },
  };
  editors.push(ed);
  return ed;
}

export function fakeSetupModule(): { createScenarioEditor: typeof makeFakeEditorFactory } {
  return { createScenarioEditor: makeFakeEditorFactory };
}

function makeFakeEditorFactory(
  _el: HTMLElement,
  doc: { id: string; text: string },
  onChange: (id: string, t: string) => void,
): ScenarioEditor {
  return makeFakeEditor(doc, onChange);
}

export function resetFakeEditors(): void {
  queuedMarkers.length = 0;
  editors.length = 0;
}
