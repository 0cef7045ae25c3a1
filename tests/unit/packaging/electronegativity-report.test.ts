// scripts/electronegativity-report.ts on reports in Electronegativity 1.10's CSV format.
import { describe, expect, it } from 'vitest';
import { blocking, csvFields, parseReport, summary } from '../../../scripts/electronegativity-report';

const HEADER = 'issue, severity, confidence, filename, location, sample, description, url';
const LOW = `CSP_GLOBAL_CHECK,"LOW","FIRM","renderer/index.html","4:0","default-src 'none'; img-src 'self' data:","One or more CSP directives detected seems to be vulnerable",https://github.com/doyensec/electronegativity/wiki/CSP_GLOBAL_CHECK`;
const HIGH = `CONTEXT_ISOLATION_JS_CHECK,"HIGH","FIRM","main/index.js","10:2","contextIsolation: false","Review the use of the contextIsolation option",https://example.invalid/x`;

describe('electronegativity report', () => {
  it('splits quoted fields with commas and quotes inside', () => {
    expect(csvFields('a,"b, c","say ""hi""",d')).toEqual(['a', 'b, c', 'say "hi"', 'd']);
  });

  it('a report with only LOW findings passes', () => {
    const findings = parseReport(`${HEADER}\n${LOW}\n`);
    expect(findings).toEqual([
      expect.objectContaining({
        issue: 'CSP_GLOBAL_CHECK',
        severity: 'LOW',
        file: 'renderer/index.html',
        location: '4:0',
      }),
    ]);
    expect(blocking(findings)).toEqual([]);
    expect(summary(findings)).toBe('0 high, 0 medium, 1 low, 0 informational');
  });

  it('a HIGH or MEDIUM finding blocks', () => {
    const medium = HIGH.replace('"HIGH"', '"MEDIUM"');
    const findings = parseReport(`${HEADER}\r\n${LOW}\r\n${HIGH}\r\n${medium}\r\n`);
    expect(blocking(findings).map((f) => f.severity)).toEqual(['HIGH', 'MEDIUM']);
    expect(summary(findings)).toBe('1 high, 1 medium, 1 low, 0 informational');
  });

  it('refuses a file that is not a report', () => {
    expect(() => parseReport('<html>rate limited</html>')).toThrow(/not an electronegativity/);
  });
});
