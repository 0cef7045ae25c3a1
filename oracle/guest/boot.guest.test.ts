/**
 * The runner against the real kernel: build (or find in the cache), boot,
 * run the fixture and a driver smoke script. `npm run oracle:test` only
 * (a cold cache builds the kernel: minutes).
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ensureOracleBuilt, runScripts, type OracleBuild } from './runner';

const log = (line: string) => console.log(`[oracle] ${line}`);
const HEADER = 'pfnlab-oracle-script 1\n';

describe('oracle guest', () => {
  let build: OracleBuild;

  it('builds the kernel, the guest programs and the base initramfs, then finds them cached', async () => {
    const t0 = Date.now();
    build = await ensureOracleBuilt({ log });
    log(
      `ensureOracleBuilt: ${Date.now() - t0} ms (cacheHit ${build.cacheHit}, kernel ${build.kernelBuildMs} ms, guest ${build.guestBuildMs} ms)`,
    );
    for (const f of [build.kernel, build.initramfsBase, build.fixture]) expect(existsSync(f), f).toBe(true);
    const again = await ensureOracleBuilt();
    expect(again.cacheHit).toBe(true);
    expect(again.inputsHash).toBe(build.inputsHash);
    expect(again.kernel).toBe(build.kernel);
  });

  it('boots, runs the fixture in the kernel and returns its result lines', async () => {
    const run = await runScripts(
      [
        {
          name: 'ioas',
          program: 'fixture',
          text:
            HEADER +
            '1 f0 = open\n2 a0 = ioas_alloc f0\n3 a1 = ioas_alloc f0\n4 destroy f0 a0\n5 destroy f0 a0\n6 a2 = ioas_alloc f0\n',
        },
        {
          name: 'second',
          program: 'fixture',
          text: HEADER + '# a second fresh process: ids start again\n1 f0 = open\n2 a0 = ioas_alloc f0\n',
        },
      ],
      { log },
    );
    log(`boot ${run.bootMs} ms, total ${run.totalMs} ms, initrd ${run.initrdBytes} bytes`);
    expect(run.error ?? '').toBe('');
    expect(run.ok).toBe(true);
    expect(run.outputs.get('ioas')).toBe('1 ok\n2 ok 1\n3 ok 2\n4 ok\n5 err ENOENT\n6 ok 1\nend 6\n');
    expect(run.outputs.get('second')).toBe('1 ok\n2 ok 1\nend 2\n');
    expect(run.hugepages).toEqual({ '2M': 64, '1G': 0 });
    expect(run.findings).toEqual([]);
    expect(run.console).toMatch(/Linux version 6\.12/);
    expect(run.bootMs).toBeGreaterThan(0);
  });

  it('reports a driver that crashed and one killed by the time limit, and runs the scripts after them', async () => {
    const run = await runScripts(
      [
        { name: 'crash', program: 'fixture', text: HEADER + '1 f0 = open\n2 crash\n' },
        { name: 'slow', program: 'fixture', text: HEADER + '1 sleep 30\n' },
        { name: 'after', program: 'fixture', text: HEADER + '1 f0 = open\n' },
      ],
      { log, scriptTimeoutMs: 2000 },
    );
    expect(run.ok).toBe(false);
    expect(run.errors).toEqual([
      'script crash: no "end N" line (the driver exited with status 3); last output: 1 ok',
      // busybox's timeout says "Killed" on the driver's stderr
      'script slow: no "end N" line (killed by the per-script time limit); stderr: Killed',
    ]);
    expect(run.error).toMatch(/--- console tail ---/);
    expect(run.outputs.get('after')).toBe('1 ok\nend 1\n');
    expect(run.scripts[1].timedOut).toBe(true);
  });

  it('reserves bigger hugetlb pools when a script asks, 1 GiB pages included', async () => {
    const run = await runScripts(
      [
        {
          name: 'pools',
          program: 'fixture',
          text: '# pfnlab-oracle hugepages-2M=100 hugepages-1G=1\n' + HEADER,
        },
      ],
      { log },
    );
    expect(run.error ?? '').toBe('');
    expect(run.hugepages).toEqual({ '2M': 100, '1G': 1 });
    expect(run.memoryMiB).toBeGreaterThanOrEqual(100 * 2 + 3 * 1024);
  });

  it('a whole-boot time limit kills QEMU and says so', async () => {
    const run = await runScripts([{ name: 'slow', program: 'fixture', text: HEADER + '1 sleep 600\n' }], {
      timeoutMs: 15_000,
    });
    expect(run.ok).toBe(false);
    expect(run.errors[0]).toMatch(/did not finish within the time limit/);
  });

  it('runs many scripts in one boot (per-script overhead)', async () => {
    const n = 40;
    const scripts = Array.from({ length: n }, (_, i) => ({
      name: `s${i}`,
      program: 'fixture' as const,
      text: HEADER + '1 f0 = open\n2 a0 = ioas_alloc f0\n',
    }));
    const run = await runScripts(scripts, { log });
    expect(run.error ?? '').toBe('');
    const ms = run.scripts.map((s) => s.ms ?? NaN);
    const sum = ms.reduce((a, b) => a + b, 0);
    log(
      `${n} scripts: boot ${run.bootMs} ms, total ${run.totalMs} ms, per script ${(sum / n).toFixed(1)} ms`,
    );
    expect(ms.every((x) => Number.isFinite(x))).toBe(true);
  });

  it('the driver runs a smoke script through the iommufd uapi and a mock domain', async () => {
    const { driver } = await ensureOracleBuilt();
    expect(driver, 'oracle/driver/ has C sources, so the driver must be built').not.toBeNull();
    const text =
      HEADER +
      [
        '1 mmap 0x10000000 0x4000',
        '2 f0 = open',
        '3 a0 = ioas_alloc f0',
        '4 d0 = mock_domain f0 a0',
        '5 map f0 a0 0x10000000 0x4000 iova=0x2000000 read write',
        '6 check_map f0 d0 0x2000000 0x4000 0x10000000',
        '7 unmap f0 a0 0x2000000 0x4000',
        '8 unmap f0 a0 0x2000000 0x4000',
      ].join('\n') +
      '\n';
    const run = await runScripts([{ name: 'smoke', text }], { log });
    expect(run.error ?? '').toBe('');
    const lines = (run.outputs.get('smoke') ?? '').trimEnd().split('\n');
    expect(lines[0]).toBe('1 ok 0x10000000');
    expect(lines[1]).toBe('2 ok');
    expect(lines[2]).toMatch(/^3 ok \d+$/);
    expect(lines[3]).toMatch(/^4 ok \d+ stdev=\d+ hwpt=\d+ idev=\d+$/);
    expect(lines.slice(4)).toEqual(['5 ok 0x2000000', '6 ok', '7 ok 16384', '8 err ENOENT', 'end 8']);
  });
});
