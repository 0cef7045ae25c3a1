/** The About box's lines: app, engine and scenario API versions, host, and the runtime's versions from the user agent. */
import { version as APP_VERSION } from '../../package.json';
import type { VersionInfo } from '../../electron/shared/lab-api';

export interface AboutLine {
  label: string;
  value: string;
}

/** Electron / Chromium / browser versions named in a user agent string. */
export function runtimeVersions(ua: string): AboutLine[] {
  const out: AboutLine[] = [];
  const electron = /Electron\/([\d.]+)/.exec(ua);
  const chrome = /Chrome\/([\d.]+)/.exec(ua);
  const firefox = /Firefox\/([\d.]+)/.exec(ua);
  if (electron) out.push({ label: 'Electron', value: electron[1] as string });
  if (chrome) out.push({ label: 'Chromium', value: chrome[1] as string });
  else if (firefox) out.push({ label: 'Firefox', value: firefox[1] as string });
  return out;
}

export function aboutLines(
  engine: VersionInfo | null,
  host: 'electron' | 'web' | null,
  ua: string,
  node?: string,
): AboutLine[] {
  const lines: AboutLine[] = [
    { label: 'PFN Lab', value: APP_VERSION },
    { label: 'Engine', value: engine?.engine ?? 'not connected' },
    { label: 'Scenario API', value: engine ? `v${engine.scenarioApi}` : '—' },
    {
      label: 'Host',
      value: host === 'electron' ? 'desktop app (Electron IPC)' : host === 'web' ? 'browser (Web Worker)' : '—',
    },
    { label: 'Sandbox', value: engine ? (engine.hardened ? 'SES hardened' : 'not hardened') : '—' },
    ...runtimeVersions(ua),
  ];
  if (node) lines.push({ label: 'Node', value: node });
  return lines;
}
