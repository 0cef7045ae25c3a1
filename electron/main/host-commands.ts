/**
 * Host commands to a window's renderer (menu clicks, files handed over by the
 * OS). A command for a renderer that does not listen yet (still loading) is
 * held and delivered once its preload reports `listening`, so a file on the
 * command line is opened even though it arrives before the page.
 */
import type { WebContents } from 'electron';
import type { HostCommand } from '../shared/app-host';
import { IPC } from '../shared/ipc';

type Target = Pick<WebContents, 'id' | 'send' | 'isDestroyed'>;

export class HostCommands {
  private readonly listening = new Set<number>();
  private readonly held = new Map<number, HostCommand[]>();

  send(target: Target, cmd: HostCommand): void {
    if (target.isDestroyed()) return;
    if (this.listening.has(target.id)) {
      target.send(IPC.appCommand, cmd);
      return;
    }
    const q = this.held.get(target.id) ?? [];
    q.push(cmd);
    this.held.set(target.id, q);
  }

  /** The renderer subscribed (again, after a reload): deliver what was held for it. */
  markListening(target: Target): void {
    this.listening.add(target.id);
    const q = this.held.get(target.id) ?? [];
    this.held.delete(target.id);
    for (const cmd of q) this.send(target, cmd);
  }

  /** The page is going away (navigation, reload, close): hold commands until the next one listens. */
  forget(id: number): void {
    this.listening.delete(id);
  }

  /** The window closed: drop everything of it. */
  drop(id: number): void {
    this.listening.delete(id);
    this.held.delete(id);
  }
}
