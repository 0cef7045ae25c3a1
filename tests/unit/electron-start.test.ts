import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { electronBinary as check, missingElectronMessage } from '../../scripts/electron-start.mjs';

describe('npm start: the Electron binary check', () => {
  const saved = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  afterEach(() => {
    if (saved === undefined) delete process.env.ELECTRON_OVERRIDE_DIST_PATH;
    else process.env.ELECTRON_OVERRIDE_DIST_PATH = saved;
  });

  it('finds no binary when the electron package has no path.txt (never downloaded)', () => {
    delete process.env.ELECTRON_OVERRIDE_DIST_PATH;
    const dir = mkdtempSync(join(tmpdir(), 'electron-pkg-'));
    expect(check(dir)).toBeNull();
  });

  it('finds no binary when path.txt names a file that is not there', () => {
    delete process.env.ELECTRON_OVERRIDE_DIST_PATH;
    const dir = mkdtempSync(join(tmpdir(), 'electron-pkg-'));
    writeFileSync(join(dir, 'path.txt'), 'electron');
    expect(check(dir)).toBeNull();
  });

  it('finds the binary that path.txt names under dist/', () => {
    delete process.env.ELECTRON_OVERRIDE_DIST_PATH;
    const dir = mkdtempSync(join(tmpdir(), 'electron-pkg-'));
    writeFileSync(join(dir, 'path.txt'), 'electron');
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'electron'), '');
    expect(check(dir)).toBe(join(dir, 'dist', 'electron'));
  });

  it('the message names the browser mode commands and the cause', () => {
    const m = missingElectronMessage('TypeError: fetch failed');
    expect(m).toContain('npm run dev:web');
    expect(m).toContain('npm run build:web');
    expect(m).toContain('fetch failed');
  });
});
