/** Reports as text (the CLI and `npm run oracle`) and as JSON. */
import type { OracleReport } from './replay';

export function formatReport(r: OracleReport): string {
  const lines: string[] = [];
  const eo = Object.values(r.engineOnly).reduce((n, x) => n + x.count, 0);
  switch (r.status) {
    case 'identical':
      lines.push(
        `${r.name}: identical${r.upTo !== undefined ? ` up to seq ${r.upTo} of ${r.events}` : ''}: ${r.compared} operations compared (${r.events} events, ${eo} engine only${r.allowed.length > 0 ? `, ${r.allowed.length} documented differences` : ''})`,
      );
      break;
    case 'differs': {
      const d = r.divergence;
      lines.push(`${r.name}: differs after ${r.compared - 1} identical operations`);
      if (d) {
        lines.push(`  first divergence: seq ${d.seq} ${d.op} at ${r.name}:${d.line}:${d.column} (${d.what})`);
        lines.push(`    script: ${d.script}`);
        lines.push(`    engine: ${d.engine}`);
        lines.push(`    kernel: ${d.kernel}`);
      }
      break;
    }
    case 'not-runnable':
      lines.push(`${r.name}: not kernel-runnable: ${r.reason ?? ''}`);
      break;
    case 'error':
      lines.push(`${r.name}: error: ${r.reason ?? ''}`);
      break;
  }
  for (const a of r.allowed)
    lines.push(`  documented difference at seq ${a.seq} ${a.op}: ${a.rule} (${a.doc})`);
  for (const n of r.notes) lines.push(`  note: ${n}`);
  return `${lines.join('\n')}\n`;
}

export interface Summary {
  scenarios: number;
  identical: number;
  differs: number;
  notRunnable: number;
  errors: number;
  compared: number;
  allowed: number;
}

export function summarize(rs: readonly OracleReport[]): Summary {
  const s: Summary = {
    scenarios: rs.length,
    identical: 0,
    differs: 0,
    notRunnable: 0,
    errors: 0,
    compared: 0,
    allowed: 0,
  };
  for (const r of rs) {
    if (r.status === 'identical') s.identical++;
    else if (r.status === 'differs') s.differs++;
    else if (r.status === 'not-runnable') s.notRunnable++;
    else s.errors++;
    s.compared += r.compared;
    s.allowed += r.allowed.length;
  }
  return s;
}

export function formatSummary(s: Summary): string {
  return `oracle: ${s.scenarios} scenarios: ${s.identical} identical, ${s.differs} differ, ${s.notRunnable} not kernel-runnable, ${s.errors} errors; ${s.compared} operations compared, ${s.allowed} documented differences\n`;
}
