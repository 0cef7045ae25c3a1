/**
 * A one-line progress indicator on stderr for long runs: only on a
 * terminal, only after the first second, redrawn at most 10 times a second.
 * Piped output stays plain.
 */
export interface ProgressStream {
  isTTY?: boolean;
  write(s: string): boolean;
}

export class Progress {
  private readonly enabled: boolean;
  private readonly started = Date.now();
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly label: string,
    private readonly stream: ProgressStream = process.stderr,
  ) {
    this.enabled = stream.isTTY === true;
  }

  update(text: string): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.started < 1000 || now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const secs = ((now - this.started) / 1000).toFixed(0);
    this.stream.write(`\r${this.label}: ${text} (${secs} s)\x1b[K`);
    this.drawn = true;
  }

  done(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}
