import { describe, expect, it } from 'vitest';
import { alpha, lineChartOptions, xRange, xTick, yRange, yTick } from './chart-options';

describe('chart options', () => {
  it('ranges y from zero with headroom, x exactly over the data', () => {
    expect(yRange(3, 100)).toEqual([0, 106]);
    expect(yRange(-50, 50)).toEqual([-50, 56]);
    expect(yRange(0, 0)).toEqual([0, 1.06]);
    expect(xRange(0, 250)).toEqual([0, 250]);
    expect(xRange(4, 4)).toEqual([4, 5]);
  });

  it('formats ticks by unit and axis', () => {
    expect(yTick('bytes', 8192)).toBe('8 KiB');
    expect(yTick('count', 12_500)).toBe('12.5k');
    expect(xTick('seq', 1500)).toBe('1.5k');
    expect(xTick('time', 12.5)).toBe('12.5 ms');
    expect(alpha('#56b4e9', 0.5)).toBe('#56b4e980');
  });

  it('builds a non-zooming, synced, legend-free chart with one series per spec entry', () => {
    const o = lineChartOptions(
      {
        unit: 'count',
        axis: 'seq',
        series: [
          { label: 'pin calls', color: '#f0e442' },
          { label: 'iommu_map', color: '#56b4e9' },
        ],
        width: 640.7,
        height: 150,
        xValues: true,
        syncKey: 'k',
      },
      undefined,
      {},
    );
    expect(o.width).toBe(640);
    expect(o.series.map((s) => s.label)).toEqual(['event', 'pin calls', 'iommu_map']);
    expect(o.series[1]!.stroke).toBe('#f0e442');
    expect(o.cursor?.drag).toEqual({ x: true, y: false, setScale: false });
    expect(o.cursor?.sync?.key).toBe('k');
    expect(o.legend?.show).toBe(false);
    expect(o.scales?.x?.time).toBe(false);
    // several series: lines only; one alone gets a faint fill
    expect(o.series[1]!.fill).toBeUndefined();
    const one = lineChartOptions(
      {
        unit: 'bytes',
        axis: 'time',
        series: [{ label: 'x', color: '#4fb3a9' }],
        width: 100,
        height: 100,
        xValues: false,
        syncKey: 'k',
      },
      undefined,
      {},
    );
    expect(one.series[1]!.fill).toBe('#4fb3a91a');
    // a chart above another prints no x values (the bottom one does)
    const xv = (o2: typeof o) =>
      (o2.axes![0]!.values as (u: unknown, s: number[]) => string[])(null, [0, 1000]);
    expect(xv(o)).toEqual(['0', '1k']);
    expect(xv(one)).toEqual(['', '']);
  });
});
