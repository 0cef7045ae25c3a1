import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readCpio } from './cpio';
import { baseEntries, buildBaseArchive, buildRunArchive, runEntries } from './initramfs';

const parts = {
  busybox: Buffer.from('BB'),
  applets: ['sh', 'mount', 'busybox', 'bad/name', 'pfnlab-oracle-driver'],
  init: '#!/bin/sh\n',
  programs: new Map([['pfnlab-oracle-driver', Buffer.from('DRV')]]),
};

describe('initramfs composition', () => {
  it('the base holds busybox with applet links, the programs and an executable /init', () => {
    const e = baseEntries(parts);
    const byPath = new Map(e.map((x) => [x.path, x]));
    expect(byPath.get('bin/sh')).toMatchObject({ kind: 'symlink', data: 'busybox' });
    expect(byPath.get('bin/mount')).toMatchObject({ kind: 'symlink' });
    expect(byPath.has('bin/bad/name')).toBe(false);
    // a program wins over an applet of the same name
    expect(byPath.get('bin/pfnlab-oracle-driver')).toMatchObject({ kind: 'file', mode: 0o755 });
    expect(byPath.get('init')).toMatchObject({ kind: 'file', mode: 0o755 });
    for (const d of ['proc', 'sys', 'dev', 'tmp']) expect(byPath.get(d)?.kind).toBe('dir');
  });

  it('the base archive is gzip, padded to 4 bytes, and unpacks to the same entries', () => {
    const gz = buildBaseArchive(parts);
    expect(gz.length % 4).toBe(0);
    expect([gz[0], gz[1]]).toEqual([0x1f, 0x8b]);
    const paths = readCpio(gunzipSync(gz)).map((r) => r.path);
    expect(paths).toEqual(baseEntries(parts).map((x) => x.path));
  });

  it('the run archive carries the scripts, the manifest (index, program, seconds) and the nonce', () => {
    const scripts = [
      { program: 'pfnlab-oracle-driver', text: 'pfnlab-oracle-script 1\n1 f0 = open\n', limitSeconds: 1.2 },
      { program: 'pfnlab-oracle-fixture', text: 'x', limitSeconds: 60 },
    ];
    const rec = readCpio(buildRunArchive(scripts, { nonce: 'ab12' }));
    const files = new Map(rec.map((r) => [r.path, r.data.toString('utf8')]));
    expect(files.get('pfnlab/run/manifest')).toBe('0 pfnlab-oracle-driver 2\n1 pfnlab-oracle-fixture 60\n');
    expect(files.get('pfnlab/run/0.script')).toBe(scripts[0].text);
    expect(files.get('pfnlab/run/run.conf')).toBe('NONCE=ab12\n');
    expect(() => runEntries(scripts, { nonce: 'a b' })).toThrow();
    expect(() => runEntries([{ ...scripts[0], program: '../sh' }], { nonce: 'a' })).toThrow();
  });
});
