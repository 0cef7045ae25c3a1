/**
 * The app's commands: one list for the desktop menus (electron/main builds
 * them from it), the renderer's keyboard shortcuts and the shortcuts overlay,
 * so an accelerator shown in a menu is the one the renderer answers.
 *
 * `accelerator` is Electron's syntax ("CmdOrCtrl+Enter"). `web` replaces it in
 * browser mode where the browser keeps the key for itself (Ctrl+N, Ctrl+W and
 * Ctrl+T never reach a page; Ctrl+Shift+C is its element picker); `null` there
 * means menu-only. No accelerator takes a key Monaco's editor uses (Ctrl+Shift+O
 * go to symbol, Ctrl+Shift+L select all occurrences): the app's keys win while
 * the editor has focus, so those commands stay menu and toolbar only.
 */
export type MenuName = 'File' | 'Edit' | 'Run' | 'View' | 'Help';

export interface CommandDef {
  id: string;
  label: string;
  menu: MenuName;
  accelerator?: string;
  web?: string | null;
}

export const COMMANDS = [
  { id: 'file.new', label: 'New Scenario', menu: 'File', accelerator: 'CmdOrCtrl+N', web: 'Alt+N' },
  { id: 'file.gallery', label: 'Scenario Gallery…', menu: 'File', accelerator: 'CmdOrCtrl+Shift+G' },
  { id: 'file.open', label: 'Open…', menu: 'File', accelerator: 'CmdOrCtrl+O' },
  { id: 'file.openRun', label: 'Open Run…', menu: 'File' },
  { id: 'file.openStudy', label: 'Open Study…', menu: 'File' },
  { id: 'file.save', label: 'Save', menu: 'File', accelerator: 'CmdOrCtrl+S' },
  { id: 'file.saveAs', label: 'Save As…', menu: 'File', accelerator: 'CmdOrCtrl+Shift+S' },
  { id: 'file.exportRun', label: 'Export Run…', menu: 'File', accelerator: 'CmdOrCtrl+E' },
  { id: 'file.exportCsv', label: 'Export Counters as CSV…', menu: 'File' },
  { id: 'file.exportTrace', label: 'Export Timeline as Perfetto Trace…', menu: 'File' },
  { id: 'file.exportPng', label: 'Export Dashboard as PNG…', menu: 'File' },
  { id: 'file.share', label: 'Copy Share Link', menu: 'File' },
  { id: 'file.closeTab', label: 'Close Tab', menu: 'File', accelerator: 'CmdOrCtrl+W', web: 'Alt+W' },
  { id: 'run.run', label: 'Run', menu: 'Run', accelerator: 'CmdOrCtrl+Enter' },
  { id: 'run.stop', label: 'Stop', menu: 'Run', accelerator: 'CmdOrCtrl+.' },
  { id: 'run.stepBack', label: 'Step Back', menu: 'Run', accelerator: 'Alt+Left' },
  { id: 'run.stepForward', label: 'Step Forward', menu: 'Run', accelerator: 'Alt+Right' },
  { id: 'run.pin', label: 'Pin Run for Comparison', menu: 'Run', accelerator: 'CmdOrCtrl+Shift+P' },
  { id: 'run.compare', label: 'Compare Runs', menu: 'Run', accelerator: 'CmdOrCtrl+Shift+C', web: 'Alt+Shift+C' },
  { id: 'view.panel.physical', label: 'Physical Memory', menu: 'View', accelerator: 'CmdOrCtrl+1' },
  { id: 'view.panel.ioas', label: 'IOAS', menu: 'View', accelerator: 'CmdOrCtrl+2' },
  { id: 'view.panel.domains', label: 'Domains', menu: 'View', accelerator: 'CmdOrCtrl+3' },
  { id: 'view.panel.counters', label: 'Counters', menu: 'View', accelerator: 'CmdOrCtrl+4' },
  { id: 'view.panel.charts', label: 'Charts', menu: 'View', accelerator: 'CmdOrCtrl+5' },
  { id: 'view.panel.compare', label: 'Compare', menu: 'View', accelerator: 'CmdOrCtrl+6' },
  { id: 'view.panel.output', label: 'Output', menu: 'View', accelerator: 'CmdOrCtrl+7' },
  { id: 'view.theme.system', label: 'Theme: System', menu: 'View' },
  { id: 'view.theme.light', label: 'Theme: Light', menu: 'View' },
  { id: 'view.theme.dark', label: 'Theme: Dark', menu: 'View' },
  { id: 'help.shortcuts', label: 'Keyboard Shortcuts', menu: 'Help', accelerator: 'Shift+/', web: 'Shift+/' },
  { id: 'help.emulated', label: 'What Is Emulated', menu: 'Help' },
  { id: 'help.docs', label: 'Documentation', menu: 'Help' },
  { id: 'help.about', label: 'About PFN Lab', menu: 'Help' },
] as const satisfies readonly CommandDef[];

export type CommandId = (typeof COMMANDS)[number]['id'];

export function isCommandId(v: unknown): v is CommandId {
  return typeof v === 'string' && COMMANDS.some((c) => c.id === v);
}
