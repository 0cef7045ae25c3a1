/**
 * Monaco, bundled locally (no CDN): its workers come from Vite `?worker`
 * imports (so the CSP's worker-src 'self' holds), and the TypeScript
 * language service gets the scenario API declarations from the single
 * source, engine/scenario/api/lab.d.ts, imported raw.
 */
import * as monaco from 'monaco-editor';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import TsWorker from 'monaco-editor/languages/features/typescript/ts.worker?worker';
import labDts from '../../engine/scenario/api/lab.d.ts?raw';

export { monaco };

export const LAB_DTS_URI = 'file:///pfnlab/lab.d.ts';

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

export interface ScenarioEditor {
  getValue(): string;
  setValue(text: string): void;
  /** Problems (errors and warnings) of the scenario, after each validation. */
  onMarkers(fn: (markers: { severity: 'error' | 'warning'; line: number; message: string }[]) => void): void;
  dispose(): void;
}

export function createScenarioEditor(
  el: HTMLElement,
  text: string,
  onChange: (text: string) => void,
): ScenarioEditor {
  const m = setupMonaco();
  const uri = m.Uri.parse('file:///scenario.ts');
  m.editor.getModel(uri)?.dispose();
  const model = m.editor.createModel(text, 'typescript', uri);
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
  });
  const subs = [model.onDidChangeContent(() => onChange(model.getValue()))];
  return {
    getValue: () => model.getValue(),
    setValue: (t) => model.setValue(t),
    onMarkers(fn) {
      const emit = (): void => {
        const markers = m.editor
          .getModelMarkers({ resource: uri })
          .filter((k) => k.severity >= m.MarkerSeverity.Warning)
          .map((k) => ({
            severity: k.severity === m.MarkerSeverity.Error ? ('error' as const) : ('warning' as const),
            line: k.startLineNumber,
            message: k.message,
          }));
        fn(markers);
      };
      subs.push(
        m.editor.onDidChangeMarkers((uris) => {
          if (uris.some((u) => u.toString() === uri.toString())) emit();
        }),
      );
    },
    dispose() {
      for (const s of subs) s.dispose();
      editor.dispose();
      model.dispose();
    },
  };
}
