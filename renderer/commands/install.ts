/**
 * Installs the commands (once, by App): the keyboard shortcuts, the host's
 * commands (desktop menus, files handed over by the OS) and the AppState
 * reports. Returns the uninstall.
 */
import type { AppHost, HostCommand } from '../../electron/shared/app-host';
import { isCommandId } from '../../electron/shared/commands';
import { getLabApi } from '../lab';
import { currentPlatform } from './accelerator';
import { useDocumentsStore } from '../stores/documents';
import { documentsState, reportAppState } from './app-state';
import { keyBindings, type Host } from './bindings';
import { createDispatcher, type Dispatcher } from './dispatch';
import { createHandlers } from './handlers';
import { installKeyboard } from './keyboard';

export function installCommands(): { dispatcher: Dispatcher; uninstall: () => void } {
  const api = getLabApi();
  const host: Host = api.host === 'electron' ? 'electron' : 'web';
  const dispatcher = createDispatcher(createHandlers());
  const offKeys = installKeyboard(
    window,
    keyBindings(host, currentPlatform(navigator)),
    (id) => dispatcher.enabled(id),
    (id) => dispatcher.run(id, 'key'),
  );
  // A host without the app services (an older preload) still gets shortcuts.
  const app: AppHost | undefined = api.app;
  const documents = useDocumentsStore();
  const onHost = (cmd: HostCommand): void => {
    // A file handed over by the OS (recent files, file association, second instance).
    if (cmd.id === 'file.openHandle') void documents.openHandle(cmd.handle);
    else if (isCommandId(cmd.id)) dispatcher.run(cmd.id, 'host');
  };
  const offHost = app?.onCommand(onHost);
  const offState = app ? reportAppState(app, documentsState) : undefined;
  return {
    dispatcher,
    uninstall: () => {
      offKeys();
      offHost?.();
      offState?.();
    },
  };
}
