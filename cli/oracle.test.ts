import { describe, expect, it } from 'vitest';
import { main } from './dispatch';

function capture(): { io: { out: (s: string) => void; err: (s: string) => void }; out: () => string } {
  let o = '';
  return { io: { out: (s) => void (o += s), err: () => undefined }, out: () => o };
}

describe('pfnlab oracle', () => {
  it('--dry-run --json: the report of one scenario, its script, exit 0 when identical', async () => {
    const c = capture();
    const code = await main(['oracle', 'scenarios/17-iova-allocation.ts', '--dry-run', '--json'], c.io);
    const r = JSON.parse(c.out()) as { status: string; compared: number; script: string; dryRun: boolean };
    expect(code).toBe(0);
    expect(r).toMatchObject({ status: 'identical', dryRun: true });
    expect(r.compared).toBeGreaterThan(20);
    expect(r.script).toMatch(/^pfnlab-oracle-script 1\n/);
  });

  it('a scenario the kernel cannot run exits 1 and says why', async () => {
    const c = capture();
    const code = await main(['oracle', 'scenarios/24-captured-layout.ts', '--dry-run'], c.io);
    expect(code).toBe(1);
    expect(c.out()).toMatch(/not kernel-runnable: pagetable domains/);
  });

  it('usage errors exit 2', async () => {
    const c = capture();
    expect(await main(['oracle'], c.io)).toBe(2);
    expect(await main(['oracle', 'no-such-file.ts'], c.io)).toBe(2);
  });
});
