/**
 * Test double of monaco/setup's ScenarioEditor (Monaco does not run in
 * happy-dom): records what the panel asks of it and lets a test play the
 * user (type-check markers, cursor moves, Ctrl+Enter). Use with
 * `vi.mock('…/monaco/setup', () => fakeSetupModule())`.
 */
import type { EditorMarker, ScenarioEditor } from '../monaco/setup';

type TypeMarker = { severity: 'error' | 'warning'; line: number; column: number; message: string };

export interface FakeEditor extends ScenarioEditor {
  text: string;
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
  disposed: boolean;
}

/** Markers every new editor reports at once (set by a test before mounting). */
export const queuedMarkers: TypeMarker[][] = [];
/** Editors made since the last reset (newest last). */
export const editors: FakeEditor[] = [];

export function makeFakeEditor(text: string, onChange: (t: string) => void): FakeEditor {
  let markerFns: ((m: TypeMarker[]) => void)[] = [];
  let cursorFns: ((line: number) => void)[] = [];
  let runFns: (() => void)[] = [];
  let typeMarkers: TypeMarker[] = queuedMarkers.at(-1) ?? [];
  const ed: FakeEditor = {
    text,
    highlighted: 0,
    revealed: [],
    counts: new Map(),
    runMarkers: [],
    runMarkerSets: 0,
    disposed: false,
    getValue: () => ed.text,
    setValue(t) {
      ed.text = t;
      onChange(t);
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
  text: string,
  onChange: (t: string) => void,
): ScenarioEditor {
  return makeFakeEditor(text, onChange);
}

export function resetFakeEditors(): void {
  queuedMarkers.length = 0;
  editors.length = 0;
}
