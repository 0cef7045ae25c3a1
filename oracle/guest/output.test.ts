import { describe, expect, it } from 'vitest';
import { parseResultPort } from './output';

const N = 'c0ffee';

describe('result port demultiplexing', () => {
  it('splits the outputs by script, with exit codes, stderr and the end line', () => {
    const text = [
      `@@pfnlab ${N} boot hugepages-2M=64 hugepages-1G=1`,
      `@@pfnlab ${N} begin 0`,
      '1 ok',
      '2 ok 1',
      'end 2',
      `@@pfnlab ${N} exit 0 rc=0`,
      `@@pfnlab ${N} begin 1`,
      '5 ok',
      `@@pfnlab ${N} exit 1 rc=139`,
      `@@pfnlab ${N} stderr 1`,
      'Segmentation fault',
      `@@pfnlab ${N} stderr-end 1`,
      `@@pfnlab ${N} done`,
      '',
    ].join('\r\n');
    const p = parseResultPort(text, N, 2);
    expect(p).toMatchObject({ booted: true, done: true, hugepages2M: 64, hugepages1G: 1 });
    expect(p.scripts[0]).toMatchObject({
      started: true,
      stdout: '1 ok\n2 ok 1\nend 2\n',
      exitCode: 0,
      endCount: 2,
    });
    expect(p.scripts[1]).toMatchObject({
      stdout: '5 ok\n',
      exitCode: 139,
      endCount: null,
      stderr: 'Segmentation fault\n',
    });
  });

  it('finds a marker after output that did not end its line, and ignores other nonces', () => {
    const text = `@@pfnlab ${N} begin 0\n1 ok\n2 o@@pfnlab ${N} exit 0 rc=137\n@@pfnlab other begin 0\n`;
    const p = parseResultPort(text, N, 1);
    expect(p.scripts[0].stdout).toBe('1 ok\n2 o\n');
    expect(p.scripts[0].exitCode).toBe(137);
    expect(p.booted).toBe(false);
    expect(p.done).toBe(false);
  });

  it('a script that never began is not started, and "end" inside stderr does not count', () => {
    const text = `@@pfnlab ${N} begin 0\n@@pfnlab ${N} exit 0 rc=1\n@@pfnlab ${N} stderr 0\nend 3\n@@pfnlab ${N} stderr-end 0\n`;
    const p = parseResultPort(text, N, 2);
    expect(p.scripts[0].endCount).toBeNull();
    expect(p.scripts[1].started).toBe(false);
  });
});
