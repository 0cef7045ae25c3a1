import { describe, expect, it, vi } from 'vitest';
import type { Session, WebContents } from 'electron';
import {
  contentSecurityPolicy,
  hardenSession,
  hardenWebContents,
  isAppUrl,
  secureWebPreferences,
} from './security';

vi.mock('electron', () => ({}));

describe('content security policy', () => {
  it('allows only self, inline styles for Monaco, and no eval', () => {
    const csp = contentSecurityPolicy();
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('http');
  });

  it('adds the dev server and its HMR socket in dev only', () => {
    const csp = contentSecurityPolicy({ devServer: 'http://localhost:5173/' });
    expect(csp).toContain("script-src 'self' http://localhost:5173");
    expect(csp).toContain('ws://localhost:5173');
  });
});

describe('window hardening', () => {
  it('uses isolated, sandboxed web preferences without Node', () => {
    expect(secureWebPreferences('/p/index.cjs')).toMatchObject({
      preload: '/p/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
      navigateOnDragDrop: false,
    });
  });

  it('compares scheme and host, not URL.origin (null for app:)', () => {
    expect(isAppUrl('app://lab/index.html', 'app://lab')).toBe(true);
    expect(isAppUrl('evil://x/index.html', 'app://lab')).toBe(false);
    expect(isAppUrl('app://other/', 'app://lab')).toBe(false);
    expect(isAppUrl('https://example.com/', 'app://lab')).toBe(false);
    expect(isAppUrl('not a url', 'app://lab')).toBe(false);
  });

  it('denies new windows, foreign navigation and webviews', () => {
    const on = new Map<string, (event: { preventDefault(): void }, url?: string) => void>();
    let openHandler: (() => { action: string }) | undefined;
    const contents = {
      setWindowOpenHandler: (h: () => { action: string }) => (openHandler = h),
      on: (name: string, fn: (event: { preventDefault(): void }, url?: string) => void) => on.set(name, fn),
    } as unknown as WebContents;
    hardenWebContents(contents, 'app://lab');
    expect(openHandler?.()).toEqual({ action: 'deny' });
    const nav = (name: string, url?: string): boolean => {
      const ev = { prevented: false, preventDefault() {} };
      ev.preventDefault = () => (ev.prevented = true);
      on.get(name)?.(ev, url);
      return ev.prevented;
    };
    expect(nav('will-navigate', 'https://example.com/')).toBe(true);
    expect(nav('will-navigate', 'app://lab/index.html')).toBe(false);
    expect(nav('will-redirect', 'file:///etc/passwd')).toBe(true);
    // A file dropped on the window: navigateOnDragDrop is off, and a navigation to it is denied anyway.
    expect(nav('will-navigate', 'file:///home/u/dropped.ts')).toBe(true);
    expect(nav('will-attach-webview')).toBe(true);
  });

  it('denies every permission request and check', () => {
    let request: ((wc: unknown, p: string, cb: (ok: boolean) => void) => void) | undefined;
    let check: (() => boolean) | undefined;
    const session = {
      setPermissionRequestHandler: (h: typeof request) => (request = h),
      setPermissionCheckHandler: (h: typeof check) => (check = h),
      webRequest: { onHeadersReceived: vi.fn() },
    } as unknown as Session;
    hardenSession(session);
    const answers: boolean[] = [];
    request?.({}, 'media', (ok) => answers.push(ok));
    request?.({}, 'notifications', (ok) => answers.push(ok));
    expect(answers).toEqual([false, false]);
    expect(check?.()).toBe(false);
    expect(session.webRequest.onHeadersReceived).not.toHaveBeenCalled();
  });
});
