import { describe, expect, it } from 'vitest';
import { findSplats } from './console';

const N = '1234';

const WARN = `[    3.100000] @@pfnlab ${N} begin 2
[    3.200000] ------------[ cut here ]------------
[    3.200001] WARNING: CPU: 0 PID: 57 at drivers/iommu/iommufd/pages.c:1234 iopt_area_unpin+0x1/0x2
[    3.200002] Modules linked in:
[    3.200003] Call Trace:
[    3.200004]  <TASK>
[    3.200005]  iommufd_fops_ioctl+0x10/0x20
[    3.200006] ---[ end trace 0000000000000000 ]---
[    3.300000] @@pfnlab ${N} exit 2 rc=0
`;

describe('console splats', () => {
  it('finds a WARNING with its trace, the script that ran, and that it is in iommufd', () => {
    const f = findSplats(WARN, N);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ kind: 'warning', script: 2, iommufd: true });
    expect(f[0].title).toMatch(/^WARNING: CPU: 0 PID: 57 at drivers\/iommu\/iommufd/);
    expect(f[0].text.split('\n').at(-1)).toMatch(/end trace/);
  });

  it('finds BUG, Oops and panic outside any script', () => {
    const text = [
      '[    1.0] BUG: kernel NULL pointer dereference, address: 0000000000000008',
      '[    1.1] Oops: 0002 [#1] NOPTI',
      '[    1.2] RIP: 0010:foo+0x1/0x2',
      '[    1.3] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000009',
      '[    1.4] ---[ end Kernel panic - not syncing: Attempted to kill init! ]---',
    ].join('\n');
    expect(findSplats(text, N).map((f) => [f.kind, f.script, f.iommufd])).toEqual([
      ['bug', null, false],
      ['oops', null, false],
      ['panic', null, false],
    ]);
  });

  it('a clean console has no finding', () => {
    const text =
      '[    0.0] Linux version 6.12\n[    0.5] Run /init as init process\nrandom WARNING in the middle\n';
    expect(findSplats(text, N)).toEqual([]);
  });
});
