/**
 * The production renderer is served from `app://lab/` (a privileged standard
 * scheme), never from file://. Files come from the built renderer folder
 * only; anything that escapes it is a 404.
 */
import type { Protocol } from 'electron';

export const APP_SCHEME = 'app';
export const APP_ORIGIN = 'app://lab';
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

export function mimeType(path: string): string {
  const dot = path.lastIndexOf('.');
  return (dot >= 0 && MIME[path.slice(dot).toLowerCase()]) || 'application/octet-stream';
}

/** Must run before app 'ready'. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      // corsEnabled: module scripts and module workers are fetched in CORS mode.
      privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true },
    },
  ]);
}

/**
 * The path, relative to the renderer root, that an app:// URL names, or null
 * for another host, a traversal attempt or an encoded separator.
 */
export function appPathOf(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== 'lab') return null;
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (path.includes('\\') || path.includes('\0')) return null;
  const parts = path.split('/').filter((p) => p !== '');
  if (parts.some((p) => p === '..' || p === '.')) return null;
  return parts.length === 0 ? 'index.html' : parts.join('/');
}

export type ReadFile = (relativePath: string) => Promise<Uint8Array>;

/** Serve app://lab/… from `readFile` (rooted at the built renderer), with the CSP header. */
export function handleAppProtocol(protocol: Pick<Protocol, 'handle'>, readFile: ReadFile, csp: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const path = appPathOf(request.url);
    if (path === null) return new Response('not found', { status: 404 });
    try {
      const body = await readFile(path);
      return new Response(body as Uint8Array<ArrayBuffer>, {
        status: 200,
        headers: {
          'Content-Type': mimeType(path),
          'Content-Security-Policy': csp,
          'X-Content-Type-Options': 'nosniff',
        },
      });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}
