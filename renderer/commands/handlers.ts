/**
 * What each command does: the one map from a CommandId to the stores'
 * actions (keyboard shortcuts and the desktop menus both come here). The map
 * is typed `Record<CommandId, …>`, so a command added to COMMANDS without a
 * handler is a compile error. `enabled` says whether the command can act
 * now; a disabled command's key is left to the focused element.
 */
import type { CommandId } from '../../electron/shared/commands';
import { useHelpStore } from '../help/store';
import { useComparisonStore } from '../stores/comparison';
import { useDocumentsStore } from '../stores/documents';
import { useEngineStore } from '../stores/engine';
import { useRunsStore } from '../stores/runs';
import { useScenarioStore } from '../stores/scenario';
import { useSelectionStore } from '../stores/selection';
import { useSettingsStore, type ViewTab } from '../stores/settings';
import { useStudyStore } from '../stores/study';

export interface CommandHandler {
  run(): unknown;
  enabled?(): boolean;
}

export type CommandHandlers = Record<CommandId, CommandHandler>;

/** The handlers, bound to the active Pinia's stores. */
export function createHandlers(): CommandHandlers {
  const runs = useRunsStore();
  const engine = useEngineStore();
  const scenario = useScenarioStore();
  const selection = useSelectionStore();
  const settings = useSettingsStore();
  const help = useHelpStore();
  const comparison = useComparisonStore();
  const documents = useDocumentsStore();
  const study = useStudyStore();

  const hasRun = (): boolean => runs.current !== null && runs.data.length > 0;
  const panel = (tab: ViewTab): CommandHandler => ({ run: () => settings.setViewTab(tab) });

  return {
    'file.new': { run: () => documents.newDocument() },
    'file.gallery': { run: () => documents.openGallery() },
    'file.open': { run: () => documents.openFile() },
    'file.openRun': { run: () => runs.openRunFile(), enabled: () => !runs.running },
    'file.openStudy': { run: () => study.openFile() },
    'file.save': { run: () => documents.save() },
    'file.saveAs': { run: () => documents.saveAs() },
    'file.exportRun': { run: () => runs.exportRun(), enabled: () => hasRun() && !runs.running },
    'file.exportCsv': { run: () => runs.exportCsv(), enabled: () => hasRun() && !runs.running },
    'file.exportTrace': { run: () => runs.exportTrace(), enabled: () => hasRun() && !runs.running },
    'file.exportPng': { run: () => runs.exportPng(), enabled: () => hasRun() },
    'file.share': { run: () => documents.copyShareLink() },
    'file.closeTab': { run: () => documents.closeTab() },
    'run.run': {
      run: () => runs.run(scenario.source, scenario.name),
      enabled: () => engine.status === 'ready' && !runs.running,
    },
    'run.stop': { run: () => runs.stop(), enabled: () => runs.running },
    'run.stepBack': {
      run: () => selection.prev(),
      enabled: () => hasRun() && selection.step > 0,
    },
    'run.stepForward': {
      run: () => selection.next(),
      enabled: () => hasRun() && selection.step < runs.data.length,
    },
    'run.pin': { run: () => comparison.pinCurrent(), enabled: () => hasRun() && !runs.running },
    'run.compare': { run: () => comparison.openCompare() },
    'view.panel.physical': panel('physical'),
    'view.panel.ioas': panel('ioas'),
    'view.panel.domains': panel('domains'),
    'view.panel.counters': panel('counters'),
    'view.panel.charts': panel('charts'),
    'view.panel.compare': panel('compare'),
    'view.panel.output': panel('output'),
    'view.theme.system': { run: () => settings.setTheme('system') },
    'view.theme.light': { run: () => settings.setTheme('light') },
    'view.theme.dark': { run: () => settings.setTheme('dark') },
    'help.shortcuts': { run: () => help.toggle('shortcuts') },
    'help.emulated': { run: () => help.show('emulated') },
    'help.docs': { run: () => help.show('docs') },
    'help.about': { run: () => help.show('about') },
  };
}

/** Whether a command can act now (no `enabled`: always). */
export function isEnabled(h: CommandHandler): boolean {
  return h.enabled ? h.enabled() : true;
}
