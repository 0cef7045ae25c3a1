/**
 * Window hardening: Content-Security-Policy, web preferences, and handlers
 * that deny new windows, navigation, webviews and permission requests.
 * Electron objects come in as parameters so this is testable without Electron.
 */
import type { Session, WebContents, WebPreferences } from 'electron';

/**
 * The renderer's CSP. Monaco needs inline styles; nothing needs eval. Dev
 * mode additionally allows the Vite dev server and its HMR socket.
 */
export function contentSecurityPolicy(opts: { devServer?: string } = {}): string {
  const dev = opts.devServer ? new URL(opts.devServer) : undefined;
  const self = dev ? `'self' ${dev.origin}` : `'self'`;
  const connect = dev ? `${self} ws://${dev.host}` : self;
  return [
    `default-src 'none'`,
    `script-src ${self}`,
    `style-src ${self} 'unsafe-inline'`,
    `img-src ${self} data:`,
    `font-src ${self} data:`,
    `worker-src ${self} blob:`,
    `connect-src ${connect}`,
    `base-uri 'none'`,
    `form-action 'none'`,
    `frame-ancestors 'none'`,
    `object-src 'none'`,
  ].join('; ');
}

export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/** Deny every permission request and check; add the CSP header to dev-server responses. */
export function hardenSession(session: Session, opts: { devServer?: string } = {}): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  if (opts.devServer) {
    const csp = contentSecurityPolicy(opts);
    session.webRequest.onHeadersReceived((details, callback) => {
      callback({
        responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] },
      });
    });
  }
}

/** The app's own origin, and nothing else, may be shown; everything else is refused. */
export function isAppUrl(url: string, appOrigin: string): boolean {
  try {
    // Compare scheme and host: URL.origin is 'null' for every non-special scheme such as app:.
    const u = new URL(url);
    const o = new URL(appOrigin);
    return u.protocol === o.protocol && u.host === o.host;
  } catch {
    return false;
  }
}

export function hardenWebContents(contents: WebContents, appOrigin: string): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, appOrigin)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, appOrigin)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
