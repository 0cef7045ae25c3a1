/**
 * Electronegativity's CSV report (`-o report.csv`) read back: one finding per
 * row, and the rule the project keeps: no HIGH or MEDIUM finding.
 */

export interface Finding {
  issue: string;
  severity: string;
  confidence: string;
  file: string;
  location: string;
  description: string;
}

/** One CSV line split into fields ("..." quoting, "" for a quote inside). */
export function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field.trim());
      field = '';
    } else field += c;
  }
  fields.push(field.trim());
  return fields;
}

/** The findings of a report (its first line is the header). */
export function parseReport(csv: string): Finding[] {
  const [header, ...rows] = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (!header || !/^issue,\s*severity/.test(header)) throw new Error('not an electronegativity CSV report');
  return rows.map((row) => {
    const [issue = '', severity = '', confidence = '', file = '', location = '', , description = ''] =
      csvFields(row);
    return { issue, severity: severity.toUpperCase(), confidence, file, location, description };
  });
}

/** The findings that break the rule (HIGH or MEDIUM severity). */
export function blocking(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.severity === 'HIGH' || f.severity === 'MEDIUM');
}

/** "0 high, 0 medium, 2 low, 0 informational" */
export function summary(findings: readonly Finding[]): string {
  const n = (s: string) => findings.filter((f) => f.severity === s).length;
  return `${n('HIGH')} high, ${n('MEDIUM')} medium, ${n('LOW')} low, ${n('INFORMATIONAL')} informational`;
}
