/** Help › About: the versions of the app, the engine, Electron, Chromium and Node, in a message box. */
import type { BaseWindow, Dialog } from 'electron';
import type { VersionInfo } from '../shared/lab-api';

export interface AboutVersions {
  app: string;
  /** The engine's version, or why it is unknown (the engine did not answer). */
  engine: VersionInfo | string;
  electron: string;
  chromium: string;
  node: string;
}

export function aboutDetail(v: AboutVersions): string {
  const engine =
    typeof v.engine === 'string'
      ? `unknown (${v.engine})`
      : `${v.engine.engine} (scenario API ${v.engine.scenarioApi}${v.engine.hardened ? ', hardened' : ''})`;
  return [
    `Version ${v.app}`,
    `Engine ${engine}`,
    `Electron ${v.electron}`,
    `Chromium ${v.chromium}`,
    `Node ${v.node}`,
    '',
    'A laboratory for the Linux iommufd PFN storage algorithms. The kernel is emulated, not run.',
  ].join('\n');
}

export async function showAbout(
  dialog: Pick<Dialog, 'showMessageBox'>,
  win: BaseWindow | undefined,
  appName: string,
  versions: () => Promise<AboutVersions>,
): Promise<void> {
  const opts = {
    type: 'info' as const,
    title: `About ${appName}`,
    message: appName,
    detail: aboutDetail(await versions()),
    buttons: ['OK'],
  };
  await (win ? dialog.showMessageBox(win, opts) : dialog.showMessageBox(opts));
}
