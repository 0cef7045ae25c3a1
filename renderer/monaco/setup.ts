/**
 * Monaco, bundled locally (no CDN): its workers come from Vite `?worker`
 * imports (so the CSP's worker-src 'self' holds), and the TypeScript
 * language service gets the scenario API declarations from the single
 * source, engine/scenario/api/lab.d.ts, imported raw.
 *
 * The virtual file system mirrors the repository (uris.ts), so the bundled
 * scenarios' `/// <reference path="../engine/scenario/api/lab.d.ts" />`
 * resolves to the declarations the service already has, and a scenario
 * without that line still sees `lab` (extra libs are roots).
 *
 * `createScenarioEditor` wraps one editor behind ScenarioEditor, the only
 * surface the panel (and its tests, which mock this module) knows. Each open
 * document has its own model (file:///scenarios/doc-<id>.ts), so that its
 * undo history, cursor and scroll position survive switching tabs; every
 * model is type-checked (eager model sync), each as its own module
 * (`moduleDetection: force`, as scenarios/tsconfig.json), so that two open
 * scenarios' top-level names do not collide.
 */
import * as monaco from 'monaco-editor';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import TsWorker from 'monaco-editor/languages/features/typescript/ts.worker?worker';
import labDts from '../../engine/scenario/api/lab.d.ts?raw';
import { countLabel } from './count-label';
import { docUri, LAB_DTS_URI, SCENARIO_URI } from './uris';
import './editor.css';

export { monaco };

export { docUri, LAB_DTS_URI, SCENARIO_URI };
/** Marker owner of the run's problems (the type checker's are 'typescript'). */
const RUN_OWNER = 'pfnlab-run';

let configured = false;

export function setupMonaco(): typeof monaco {
  if (configured) return monaco;
  configured = true;
  self.MonacoEnvironment = {
    getWorker(_workerId: string, label: string): Worker {
      return label === 'typescript' || label === 'javascript' ? new TsWorker() : new EditorWorker();
    },
  };
  const ts = monaco.typescript;
  // setCompilerOptions replaces the defaults: keep allowNonTsExtensions.
  ts.typescriptDefaults.setCompilerOptions({
    target: ts.ScriptTarget.ESNext,
    module: ts.ModuleKind.ESNext,
    lib: ['es2022'],
    strict: true,
    noEmit: true,
    allowNonTsExtensions: true,
    noImplicitAny: true,
    // ts.ModuleDetectionKind.Force (Monaco does not export the enum): every model is its own module.
    moduleDetection: 3,
  });
  ts.typescriptDefaults.setDiagnosticsOptions({ noSemanticValidation: false, noSyntaxValidation: false });
  ts.typescriptDefaults.setEagerModelSync(true);
  ts.typescriptDefaults.addExtraLib(labDts, LAB_DTS_URI);
  monaco.editor.defineTheme('pfnlab-dark', {
    base: 'vs-dark',
    inherit: true,
    rules: [],
    colors: {
      'editor.background': '#181b20',
      'editorGutter.background': '#181b20',
      'editor.lineHighlightBackground': '#20242b',
    },
  });
  return monaco;
}

export interface EditorMarker {
  severity: 'error' | 'warning' | 'info';
  line: number;
  /** 1-based; 0 or absent: the line's first non-blank character. */
  column?: number;
  message: string;
}

export interface ScenarioEditor {
  /** The shown document's text. */
  getValue(): string;
  /**
   * Show document `id` in its own model (created with `text` the first time;
   * its undo history, cursor and scroll position kept while another is shown).
   */
  show(id: string, text: string): void;
  /** Replace the shown document's whole text (a text opened into its tab). */
  setValue(text: string): void;
  /** Forget a document's model (its tab was closed). */
  close(id: string): void;
  /** Type-check problems (errors and warnings) of the shown document, after each validation and when another is shown. */
  onMarkers(
    fn: (markers: { severity: 'error' | 'warning'; line: number; column: number; message: string }[]) => void,
  ): void;
  /** The user moved the cursor to another line (not a programmatic move). */
  onCursorLine(fn: (line: number) => void): void;
  /** Ctrl/Cmd+Enter. */
  onRun(fn: () => void): void;
  /** Highlight the selected event's line (0: none); `reveal`: scroll to it if outside the view. */
  highlightLine(line: number, reveal?: boolean): void;
  /** Scroll to a line and put the cursor there (without reporting a cursor move). */
  revealLine(line: number, column?: number): void;
  /** Events per line, shown at the end of each line as `×n` (empty map: none). */
  setLineCounts(counts: ReadonlyMap<number, number>): void;
  /** The run's problems as markers on the shown document (replacing the previous run's). */
  setRunMarkers(markers: readonly EditorMarker[]): void;
  dispose(): void;
}

/**
 * The gutter shows a line's count through a CSS class whose ::after holds
 * the text (Monaco draws line decorations as empty boxes): one class per
 * distinct label, its rule added once to a style element.
 */
const countClasses = new Map<string, string>();
let countSheet: HTMLStyleElement | null = null;
function countClass(label: string): string {
  let cls = countClasses.get(label);
  if (cls !== undefined) return cls;
  cls = `pfn-cnt-${countClasses.size}`;
  countClasses.set(label, cls);
  if (!countSheet) {
    countSheet = document.createElement('style');
    document.head.appendChild(countSheet);
  }
  countSheet.sheet?.insertRule(`.monaco-editor .${cls}::after { content: ${JSON.stringify(label)}; }`);
  return cls;
}

export function createScenarioEditor(
  el: HTMLElement,
  doc: { id: string; text: string },
  onChange: (id: string, text: string) => void,
): ScenarioEditor {
  const m = setupMonaco();
  const models = new Map<string, monaco.editor.ITextModel>();
  const views = new Map<string, monaco.editor.ICodeEditorViewState | null>();
  const modelSubs = new Map<string, monaco.IDisposable>();
  const modelOf = (id: string, text: string): monaco.editor.ITextModel => {
    let model = models.get(id);
    if (model && !model.isDisposed()) return model;
    const uri = m.Uri.parse(docUri(id));
    m.editor.getModel(uri)?.dispose();
    const created = m.editor.createModel(text, 'typescript', uri);
    models.set(id, created);
    modelSubs.set(
      id,
      created.onDidChangeContent(() => onChange(id, created.getValue())),
    );
    model = created;
    return model;
  };
  let shownId = doc.id;
  let model = modelOf(doc.id, doc.text);
  const editor = m.editor.create(el, {
    model,
    theme: 'pfnlab-dark',
    automaticLayout: true,
    minimap: { enabled: false },
    fontSize: 13,
    lineHeight: 20,
    fontFamily: "'JetBrains Mono', 'Fira Code', 'DejaVu Sans Mono', monospace",
    scrollBeyondLastLine: false,
    renderLineHighlight: 'all',
    tabSize: 2,
    fixedOverflowWidgets: true,
    // Room for the `×256` event counts between the line numbers and the code.
    lineDecorationsWidth: 46,
    lineNumbersMinChars: 3,
  });
  const stepLine = editor.createDecorationsCollection();
  const counts = editor.createDecorationsCollection();
  const subs: { dispose(): void }[] = [];
  /** Re-report the shown document's type markers (after showing another one). */
  const markerEmits: (() => void)[] = [];
  let cursorLine = 0;
  let programmatic = false;

  const clampLine = (line: number): number => Math.max(1, Math.min(model.getLineCount(), line));

  return {
    getValue: () => model.getValue(),
    show(id, text) {
      if (id === shownId && !model.isDisposed()) return;
      if (!model.isDisposed()) {
        views.set(shownId, editor.saveViewState());
        m.editor.setModelMarkers(model, RUN_OWNER, []); // the run's markers belong to the run's document
      }
      const next = modelOf(id, text);
      // A text changed while hidden (it should not be): an edit, so that undo keeps it.
      if (next.getValue() !== text)
        next.pushEditOperations([], [{ range: next.getFullModelRange(), text }], () => null);
      shownId = id;
      model = next;
      programmatic = true;
      try {
        editor.setModel(next);
        const v = views.get(id);
        if (v) editor.restoreViewState(v);
      } finally {
        programmatic = false;
      }
      cursorLine = editor.getPosition()?.lineNumber ?? 0;
      stepLine.clear();
      counts.clear();
      for (const emit of markerEmits) emit();
    },
    setValue(t) {
      if (t === model.getValue()) return;
      model.setValue(t);
      cursorLine = 0;
    },
    close(id) {
      if (id === shownId) return; // the shown model goes once another is shown
      models.get(id)?.dispose();
      modelSubs.get(id)?.dispose();
      models.delete(id);
      modelSubs.delete(id);
      views.delete(id);
    },
    onMarkers(fn) {
      // Setting the run's markers fires this event too: report only when the checker's own changed.
      let last = '';
      const emit = (): void => {
        const markers = m.editor
          .getModelMarkers({ resource: model.uri })
          .filter((k) => k.owner !== RUN_OWNER && k.severity >= m.MarkerSeverity.Warning)
          .map((k) => ({
            severity: k.severity === m.MarkerSeverity.Error ? ('error' as const) : ('warning' as const),
            line: k.startLineNumber,
            column: k.startColumn,
            message: k.message,
          }));
        const key = JSON.stringify(markers);
        if (key === last) return;
        last = key;
        fn(markers);
      };
      markerEmits.push(emit);
      subs.push(
        m.editor.onDidChangeMarkers((uris) => {
          const shown = model.uri.toString();
          if (uris.some((u) => u.toString() === shown)) emit();
        }),
      );
    },
    onCursorLine(fn) {
      subs.push(
        editor.onDidChangeCursorPosition((e) => {
          // The user's moves — clicks, keys, Go to Line (an 'api' move too) — not our own
          // revealLine (flagged), setValue, a tab switch or edits by others.
          if (programmatic || e.source === 'modelChange' || e.source === 'restoreState') return;
          if (e.reason === m.editor.CursorChangeReason.ContentFlush) return;
          const line = e.position.lineNumber;
          if (line === cursorLine) return;
          cursorLine = line;
          fn(line);
        }),
      );
    },
    onRun(fn) {
      editor.addCommand(m.KeyMod.CtrlCmd | m.KeyCode.Enter, fn);
    },
    highlightLine(line, reveal = true) {
      if (line <= 0 || line > model.getLineCount()) {
        stepLine.clear();
        return;
      }
      stepLine.set([
        {
          range: new m.Range(line, 1, line, 1),
          options: {
            isWholeLine: true,
            className: 'pfn-step-line',
            linesDecorationsClassName: 'pfn-step-gutter',
            overviewRuler: { color: '#e0a458', position: m.editor.OverviewRulerLane.Center },
          },
        },
      ]);
      if (reveal) editor.revealLineInCenterIfOutsideViewport(line, m.editor.ScrollType.Smooth);
    },
    revealLine(line, column) {
      const l = clampLine(line);
      const c = column && column > 0 ? column : model.getLineFirstNonWhitespaceColumn(l) || 1;
      cursorLine = l; // a programmatic move: do not report it as the user's
      programmatic = true;
      try {
        editor.setPosition({ lineNumber: l, column: c }, 'api');
      } finally {
        programmatic = false;
      }
      editor.revealLineInCenterIfOutsideViewport(l, m.editor.ScrollType.Smooth);
      editor.focus();
    },
    setLineCounts(map) {
      const lines = model.getLineCount();
      const decos: monaco.editor.IModelDeltaDecoration[] = [];
      for (const [line, n] of map) {
        if (line < 1 || line > lines || n <= 0) continue;
        decos.push({
          range: new m.Range(line, 1, line, 1),
          options: {
            linesDecorationsClassName: `pfn-line-count ${countClass(countLabel(n))}`,
            linesDecorationsTooltip: `${n} event${n === 1 ? '' : 's'} on this line in the last run`,
          },
        });
      }
      counts.set(decos);
    },
    setRunMarkers(markers) {
      const lines = model.getLineCount();
      const sev = {
        error: m.MarkerSeverity.Error,
        warning: m.MarkerSeverity.Warning,
        info: m.MarkerSeverity.Info,
      } as const;
      m.editor.setModelMarkers(
        model,
        RUN_OWNER,
        markers
          .filter((k) => k.line >= 1 && k.line <= lines)
          .map((k) => {
            const first = model.getLineFirstNonWhitespaceColumn(k.line) || 1;
            const end = model.getLineMaxColumn(k.line);
            const start = k.column && k.column > 0 && k.column < end ? k.column : first;
            return {
              severity: sev[k.severity],
              message: k.message,
              source: 'run',
              startLineNumber: k.line,
              startColumn: start,
              endLineNumber: k.line,
              endColumn: Math.max(start + 1, end),
            };
          }),
      );
    },
    dispose() {
      for (const s of subs) s.dispose();
      for (const s of modelSubs.values()) s.dispose();
      editor.dispose();
      for (const mod of models.values()) mod.dispose();
      models.clear();
    },
  };
}
