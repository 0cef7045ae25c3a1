import { describe, expect, it } from 'vitest';
import type { ConsoleFinding } from './console';
import { parseResultPort } from './output';
import { guestMemoryMiB, kernelCmdline } from './runner';
import { analyseRun, scriptHeader, type RunFacts } from './verdict';

const N = 'aa';
const okExit = { timedOut: false, exitCode: 0, ms: 5000, stderr: '' };

function facts(port: string, count: number, over: Partial<RunFacts> = {}): RunFacts {
  return {
    names: Array.from({ length: count }, (_, i) => `s${i}`),
    port: parseResultPort(port, N, count),
    findings: [],
    exit: okExit,
    times: { begin: [100, 300], exit: [250, 400] },
    requestedHugepages: { '2M': 64, '1G': 0 },
    ...over,
  };
}

const boot = `@@pfnlab ${N} boot hugepages-2M=64 hugepages-1G=0\n`;
const good0 = `@@pfnlab ${N} begin 0\n1 ok\nend 1\n@@pfnlab ${N} exit 0 rc=0\n`;
const done = `@@pfnlab ${N} done\n`;

describe('run verdict', () => {
  it('a clean run has no error and times each script', () => {
    const v = analyseRun(facts(boot + good0 + done, 1));
    expect(v.errors).toEqual([]);
    expect(v.scripts[0]).toMatchObject({ name: 's0', ended: true, endCount: 1, timedOut: false, ms: 150 });
  });

  it('a script without its end line is reported with its status and stderr', () => {
    const crashed = `@@pfnlab ${N} begin 1\n7 ok\n@@pfnlab ${N} exit 1 rc=139\n@@pfnlab ${N} stderr 1\nboom\n@@pfnlab ${N} stderr-end 1\n`;
    const v = analyseRun(facts(boot + good0 + crashed + done, 2));
    expect(v.errors).toHaveLength(1);
    expect(v.errors[0]).toMatch(
      /script s1: no "end N" line \(the driver exited with status 139 \(signal 11\)\)/,
    );
    expect(v.errors[0]).toMatch(/last output: 7 ok; stderr: boom/);
  });

  it('a per-script time limit, a guest time limit and a guest that stopped early', () => {
    const killed = `@@pfnlab ${N} begin 0\n@@pfnlab ${N} exit 0 rc=137\n`;
    expect(analyseRun(facts(boot + killed + done, 1)).errors[0]).toMatch(
      /killed by the per-script time limit/,
    );
    const timeout = analyseRun(
      facts(boot + `@@pfnlab ${N} begin 0\n`, 1, { exit: { ...okExit, timedOut: true, exitCode: null } }),
    ).errors;
    expect(timeout[0]).toMatch(/did not finish within the time limit/);
    expect(timeout[1]).toMatch(/script s0: no "end N" line \(the guest stopped while it ran\)/);
    const early = analyseRun(facts(boot + good0, 2)).errors;
    expect(early).toContain('the guest stopped before the end of its run (a kernel panic?)');
    expect(early).toContain('script s1: not run');
    expect(analyseRun(facts('', 1)).errors[0]).toMatch(/never reached its init/);
  });

  it('kernel splats and short hugetlb pools are errors', () => {
    const warn: ConsoleFinding = {
      kind: 'warning',
      title: 'WARNING: CPU: 0 at x',
      text: '',
      script: 0,
      iommufd: true,
    };
    const v = analyseRun(
      facts(`@@pfnlab ${N} boot hugepages-2M=10 hugepages-1G=0\n` + good0 + done, 1, { findings: [warn] }),
    );
    expect(v.errors).toEqual([
      'hugetlb pool of 2M pages: 10 reserved, 64 asked (guest memory too small?)',
      'kernel warning in iommufd while script s0 ran: WARNING: CPU: 0 at x',
    ]);
  });

  it('a script header asks for hugetlb pools; memory and the command line follow', () => {
    expect(scriptHeader('# pfnlab-oracle hugepages-2M=128 hugepages-1G=2\npfnlab-oracle-script 1\n')).toEqual(
      {
        hugepages2M: 128,
        hugepages1G: 2,
      },
    );
    expect(scriptHeader('pfnlab-oracle-script 1\n')).toEqual({});
    expect(guestMemoryMiB(2048, 64, 0)).toBe(2048);
    expect(guestMemoryMiB(2048, 64, 2)).toBe(64 * 2 + 4 * 1024);
    expect(guestMemoryMiB(1024, 600, 0)).toBe(1200 + 512);
    expect(kernelCmdline(64, 1)).toContain('hugepagesz=2M hugepages=64 hugepagesz=1G hugepages=1');
  });
});
