import { describe, expect, it, vi } from 'vitest';
import type { Protocol } from 'electron';
import { appPathOf, handleAppProtocol, mimeType, registerAppScheme } from './app-protocol';

vi.mock('electron', () => ({}));

describe('app:// protocol', () => {
  it('maps app://lab URLs to paths inside the renderer root only', () => {
    expect(appPathOf('app://lab/')).toBe('index.html');
    expect(appPathOf('app://lab/index.html')).toBe('index.html');
    expect(appPathOf('app://lab/assets/index-abc.js?x=1#h')).toBe('assets/index-abc.js');
    // The URL parser resolves encoded dot segments: the result stays inside the root.
    expect(appPathOf('app://lab/assets/%2e%2e/%2e%2e/etc/passwd')).toBe('etc/passwd');
    expect(appPathOf('app://lab/..%2f..%2fetc/passwd')).toBeNull();
    expect(appPathOf('app://lab/a%5cb')).toBeNull();
    expect(appPathOf('app://lab/a%00b')).toBeNull();
    expect(appPathOf('app://other/index.html')).toBeNull();
    expect(appPathOf('file:///etc/passwd')).toBeNull();
    expect(appPathOf('app://lab/%E0%A4%A')).toBeNull();
  });

  it('registers app as a privileged standard, secure scheme', () => {
    const registerSchemesAsPrivileged = vi.fn();
    registerAppScheme({ registerSchemesAsPrivileged });
    expect(registerSchemesAsPrivileged).toHaveBeenCalledWith([
      expect.objectContaining({
        scheme: 'app',
        privileges: expect.objectContaining({ standard: true, secure: true }),
      }),
    ]);
  });

  it('serves files with their type and the CSP, 404 otherwise', async () => {
    let handler: ((req: { url: string }) => Promise<Response>) | undefined;
    const protocol = { handle: (_s: string, h: typeof handler) => (handler = h) } as unknown as Protocol;
    const files: Record<string, string> = { 'index.html': '<html></html>', 'assets/a.js': 'x' };
    const read = vi.fn(async (p: string) => {
      const f = files[p];
      if (f === undefined) throw new Error('ENOENT');
      return new TextEncoder().encode(f);
    });
    handleAppProtocol(protocol, read, "default-src 'self'");
    const ok = await handler!({ url: 'app://lab/' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(ok.headers.get('content-security-policy')).toBe("default-src 'self'");
    expect(await ok.text()).toBe('<html></html>');
    expect((await handler!({ url: 'app://lab/assets/a.js' })).headers.get('content-type')).toContain(
      'javascript',
    );
    expect((await handler!({ url: 'app://lab/missing.js' })).status).toBe(404);
    expect((await handler!({ url: 'app://lab/..%2fsecret' })).status).toBe(404);
    expect(read).not.toHaveBeenCalledWith(expect.stringContaining('..'));
  });

  it('knows the MIME types the renderer build emits', () => {
    expect(mimeType('a/codicon.ttf')).toBe('font/ttf');
    expect(mimeType('x.CSS')).toBe('text/css; charset=utf-8');
    expect(mimeType('noext')).toBe('application/octet-stream');
  });
});
