/**
 * Study progress on stderr: a bar redrawn in place on a TTY, plain lines
 * otherwise (CI logs, pipes), one per finished group.
 */
export interface Progress {
  done(label: string, ms: number, failed: boolean): void;
  end(): void;
}

function clock(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

export function makeProgress(
  total: number,
  write: (s: string) => void = (s) => void process.stderr.write(s),
  tty: boolean = process.stderr.isTTY === true,
): Progress {
  const t0 = performance.now();
  let n = 0;
  let failures = 0;
  return {
    done(label, ms, failed) {
      n++;
      if (failed) failures++;
      const el = performance.now() - t0;
      const eta = n === 0 ? 0 : (el / n) * (total - n);
      if (tty) {
        const w = 30;
        const fill = Math.round((n / total) * w);
        const bar = `${'#'.repeat(fill)}${'.'.repeat(w - fill)}`;
        const line = `study [${bar}] ${n}/${total} groups  ${clock(el)}  eta ${clock(eta)}${failures ? `  ${failures} failed` : ''}  ${label}`;
        write(`\r\x1b[2K${line.slice(0, (process.stderr.columns ?? 120) - 1)}`);
      } else write(`study: ${n}/${total} ${label} ${(ms / 1000).toFixed(1)} s${failed ? ' (failed)' : ''}\n`);
    },
    end() {
      if (tty) write('\n');
    },
  };
}
