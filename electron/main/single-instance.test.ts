import { describe, expect, it, vi } from 'vitest';
import type { App } from 'electron';
import { claimSingleInstance, filesFromArgv } from './single-instance';

vi.mock('electron', () => ({}));

function fakeApp(lock: boolean, isPackaged = true) {
  const on = new Map<string, (...a: unknown[]) => void>();
  const app = {
    isPackaged,
    requestSingleInstanceLock: vi.fn((_data?: unknown) => lock),
    on: (name: string, fn: (...a: unknown[]) => void) => on.set(name, fn),
  };
  return {
    app: app as unknown as Pick<App, 'requestSingleInstanceLock' | 'on' | 'isPackaged'>,
    raw: app,
    on,
  };
}

describe('files on a command line', () => {
  it('takes scenarios and runs, resolved against the working folder; skips the executable, switches and others', () => {
    expect(
      filesFromArgv(
        ['/opt/pfnlab/pfnlab', 'a.ts', '--allow-file-access', '/abs/r.pfnrun.json', 'x.txt', 'a.ts'],
        '/home/u',
        true,
      ),
    ).toEqual(['/home/u/a.ts', '/abs/r.pfnrun.json']);
    // Development: electron <app path> <files>
    expect(filesFromArgv(['/usr/bin/electron', 'out/main/index.js', 'b.TS'], '/w', false)).toEqual([
      '/w/b.TS',
    ]);
    expect(filesFromArgv(['/x/pfnlab', '--', '-odd.ts'], '/w', true)).toEqual(['/w/-odd.ts']);
    expect(filesFromArgv(['/x/pfnlab', 'r.pfnrun', 'r.json'], '/w', true)).toEqual([
      '/w/r.pfnrun',
      '/w/r.json',
    ]);
  });
});

describe('single instance', () => {
  it('the second instance hands its files over and is told to quit', () => {
    const { app, raw } = fakeApp(false);
    const onFiles = vi.fn();
    expect(
      claimSingleInstance(app, {
        argv: ['/x/pfnlab', 'a.ts'],
        cwd: '/home/u',
        onFiles,
        onSecondInstance: vi.fn(),
      }),
    ).toBe(false);
    expect(raw.requestSingleInstanceLock).toHaveBeenCalledWith({ files: ['/home/u/a.ts'] });
    expect(onFiles).not.toHaveBeenCalled();
  });

  it('the first instance opens its own files, then a second instance’s, and focuses its window', () => {
    const { app, on } = fakeApp(true);
    const onFiles = vi.fn();
    const onSecondInstance = vi.fn();
    expect(
      claimSingleInstance(app, { argv: ['/x/pfnlab', 'a.ts'], cwd: '/w', onFiles, onSecondInstance }),
    ).toBe(true);
    expect(onFiles).toHaveBeenLastCalledWith(['/w/a.ts']);
    // additionalData wins over argv (Windows may reorder a second instance's argv)
    on.get('second-instance')?.({}, ['/x/pfnlab', 'ignored.ts'], '/other', {
      files: ['/d/b.ts', 'rel.ts', '/d/c.exe'],
    });
    expect(onFiles).toHaveBeenLastCalledWith(['/d/b.ts']);
    expect(onSecondInstance).toHaveBeenCalledTimes(1);
    // without additionalData: the argv, against the second instance's folder
    on.get('second-instance')?.({}, ['/x/pfnlab', 'c.ts'], '/other', undefined);
    expect(onFiles).toHaveBeenLastCalledWith(['/other/c.ts']);
    // no files: only the focus
    onFiles.mockClear();
    on.get('second-instance')?.({}, ['/x/pfnlab'], '/other', { files: [] });
    expect(onFiles).not.toHaveBeenCalled();
    expect(onSecondInstance).toHaveBeenCalledTimes(3);
  });

  it('macOS open-file is handled (default prevented) and handed over', () => {
    const { app, on } = fakeApp(true);
    const onFiles = vi.fn();
    claimSingleInstance(app, { argv: ['/x/pfnlab'], cwd: '/w', onFiles, onSecondInstance: vi.fn() });
    const event = { preventDefault: vi.fn() };
    on.get('open-file')?.(event, '/Users/u/a.ts');
    expect(event.preventDefault).toHaveBeenCalled();
    expect(onFiles).toHaveBeenCalledWith(['/Users/u/a.ts']);
    on.get('open-file')?.(event, 'relative.ts');
    expect(onFiles).toHaveBeenCalledTimes(1);
  });
});
