/**
 * One QEMU boot: TCG (KVM fails on these machines, see KERNEL-ORACLE.md), the
 * kernel console on the first serial port (piped to us, timestamped as it
 * comes), the results on the second (a file), -no-reboot so the guest's
 * `reboot -f` (or a panic with panic=-1) ends QEMU. An overall time limit
 * kills it.
 */
import { spawn } from 'node:child_process';

export interface QemuBoot {
  kernel: string;
  initrd: string;
  resultFile: string;
  memoryMiB: number;
  cmdline: string;
  timeoutMs: number;
  /** Called with each complete console line and the ms since start. */
  onConsoleLine?: (line: string, ms: number) => void;
}

export interface QemuExit {
  console: string;
  /** QEMU's own stderr (its warnings, not the guest's). */
  stderr: string;
  exitCode: number | null;
  timedOut: boolean;
  ms: number;
}

export const QEMU = 'qemu-system-x86_64';

export function qemuArgs(
  b: Pick<QemuBoot, 'kernel' | 'initrd' | 'resultFile' | 'memoryMiB' | 'cmdline'>,
): string[] {
  return [
    '-nodefaults',
    '-no-user-config',
    '-display',
    'none',
    '-no-reboot',
    '-accel',
    'tcg',
    // qemu64 plus 1 GiB pages, so a hugetlb pool of 1 GiB pages can exist.
    '-cpu',
    'qemu64,+pdpe1gb',
    '-smp',
    '1',
    '-m',
    String(b.memoryMiB),
    '-kernel',
    b.kernel,
    '-initrd',
    b.initrd,
    '-append',
    b.cmdline,
    '-serial',
    'stdio',
    '-serial',
    `file:${b.resultFile}`,
  ];
}

export function bootQemu(b: QemuBoot): Promise<QemuExit> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(QEMU, qemuArgs(b), { stdio: ['pipe', 'pipe', 'pipe'] });
    let consoleText = '';
    let partial = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => {
      const s = d.toString('utf8');
      consoleText += s;
      if (!b.onConsoleLine) return;
      const ms = Date.now() - t0;
      const lines = (partial + s).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) b.onConsoleLine(l.replace(/\r$/, ''), ms);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, b.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${QEMU}: ${e.message} (is qemu-system-x86 installed?)`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (partial && b.onConsoleLine) b.onConsoleLine(partial, Date.now() - t0);
      resolve({ console: consoleText, stderr, exitCode: code, timedOut, ms: Date.now() - t0 });
    });
  });
}
