/**
 * Demultiplexing the guest's result port (ttyS1): the init frames each
 * script's output with "@@pfnlab NONCE begin|exit|stderr|stderr-end I"
 * marker lines, plus "boot" (the hugetlb pools) and "done". A marker may
 * follow output that did not end its line (a driver that died mid-line), so
 * markers are found anywhere in a line.
 */

export interface ScriptOutput {
  index: number;
  started: boolean;
  /** The driver's stdout (lines joined with '\n', ending with '\n' when not empty). */
  stdout: string;
  stderr: string;
  /** The driver's exit status as the shell saw it (137: killed by the time limit); null if it never ended. */
  exitCode: number | null;
  /** N of the `end N` line, null when there is none (the driver crashed or was killed). */
  endCount: number | null;
}

export interface ResultPort {
  booted: boolean;
  hugepages2M: number | null;
  hugepages1G: number | null;
  done: boolean;
  scripts: ScriptOutput[];
}

const END = /^end (\d+)$/;

export function parseResultPort(text: string, nonce: string, scriptCount: number): ResultPort {
  const scripts: ScriptOutput[] = Array.from({ length: scriptCount }, (_, index) => ({
    index,
    started: false,
    stdout: '',
    stderr: '',
    exitCode: null,
    endCount: null,
  }));
  const port: ResultPort = { booted: false, hugepages2M: null, hugepages1G: null, done: false, scripts };
  const tag = `@@pfnlab ${nonce} `;
  let cur: ScriptOutput | null = null;
  let inStderr = false;
  const content = (line: string) => {
    if (!cur) return;
    if (inStderr) cur.stderr += line + '\n';
    else {
      cur.stdout += line + '\n';
      const m = END.exec(line);
      if (m) cur.endCount = Number(m[1]);
    }
  };
  const marker = (body: string) => {
    const [kind, arg, ...rest] = body.trim().split(/\s+/);
    const idx = Number(arg);
    const s = Number.isInteger(idx) && idx >= 0 && idx < scriptCount ? scripts[idx] : null;
    switch (kind) {
      case 'boot': {
        port.booted = true;
        for (const kv of [arg, ...rest]) {
          const m = /^hugepages-(2M|1G)=(\d+)$/.exec(kv ?? '');
          if (m && m[1] === '2M') port.hugepages2M = Number(m[2]);
          else if (m) port.hugepages1G = Number(m[2]);
        }
        break;
      }
      case 'begin':
        cur = s;
        inStderr = false;
        if (s) s.started = true;
        break;
      case 'exit': {
        const rc = /^rc=(\d+)$/.exec(rest[0] ?? '');
        if (s && rc) s.exitCode = Number(rc[1]);
        cur = null;
        break;
      }
      case 'stderr':
        cur = s;
        inStderr = true;
        break;
      case 'stderr-end':
        cur = null;
        inStderr = false;
        break;
      case 'done':
        port.done = true;
        cur = null;
        break;
    }
  };
  const lines = text.replace(/\r/g, '').split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) {
    const at = line.indexOf(tag);
    if (at < 0) {
      content(line);
      continue;
    }
    if (at > 0) content(line.slice(0, at));
    marker(line.slice(at + tag.length));
  }
  return port;
}
