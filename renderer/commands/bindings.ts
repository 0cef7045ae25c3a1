/**
 * Which key each command answers to on this host: browser mode takes a
 * command's `web` accelerator when it has one (`null`: menu only, the browser
 * keeps that key), the desktop app its `accelerator`. Pure (tested alone).
 */
import { COMMANDS, type CommandDef, type CommandId } from '../../electron/shared/commands';
import { parseAccelerator, type Accelerator, type Platform } from './accelerator';

export type Host = 'electron' | 'web';

export interface KeyBinding {
  id: CommandId;
  acc: Accelerator;
}

/** The accelerator text of a command on this host, or null when it has no key there. */
export function acceleratorText(cmd: CommandDef, host: Host): string | null {
  if (host === 'web' && cmd.web !== undefined) return cmd.web;
  return cmd.accelerator ?? null;
}

/** Every command's key on this host and platform (commands without one are left out). */
export function keyBindings(host: Host, platform: Platform): KeyBinding[] {
  const out: KeyBinding[] = [];
  for (const cmd of COMMANDS as readonly CommandDef[]) {
    const text = acceleratorText(cmd, host);
    if (text === null) continue;
    const acc = parseAccelerator(text, platform);
    if (acc) out.push({ id: cmd.id as CommandId, acc });
  }
  return out;
}
