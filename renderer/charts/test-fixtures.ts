/**
 * Test helpers of the charts: events and digests built from a few numbers,
 * and a stand-in 2D canvas for happy-dom (which has none) so that the real
 * uPlot can run in component tests: it records calls and measures text at
 * 6 px per character.
 */
import type {
  CounterDeltas,
  TimelineEvent,
  TimelineMark,
  TimelineSpan,
} from '../../engine/scenario/timeline';
import type { MachineDigest } from '../../engine/iommufd/digest';

export function ev(seq: number, deltas: CounterDeltas, extra: Partial<TimelineEvent> = {}): TimelineEvent {
  return {
    seq,
    op: 'ioas.map',
    target: 'ioas 1',
    args: [],
    line: seq,
    column: 1,
    t: seq,
    dur: 0.5,
    deltas,
    digest: -1,
    ...extra,
  };
}

/** A digest whose domains have the given table bytes (one IOAS per entry of `perIoas`). */
export function digest(perIoas: number[][]): MachineDigest {
  return {
    contexts: [
      {
        serial: 1,
        owner: 1,
        accountModeMm: false,
        objects: [],
        ioas: perIoas.map((doms, i) => ({
          id: i + 1,
          iovaAlignment: 4096,
          disableLargePages: false,
          areas: [],
          reserved: [],
          allowed: [],
          domains: doms.map((tableBytes, k) => ({
            id: k + 10,
            deviceId: k + 20,
            kind: 'mock',
            mapped: [],
            entries: 0,
            stats: { mappedBytes: 0, tableBytes },
          })),
          accesses: [],
        })),
      },
    ],
    pages: [],
    accounting: [],
    pins: { pinnedFrames: 0, totalPins: 0, runs: 0, hash: '0' },
  };
}

export function mark(seq: number, label: string, t = seq): TimelineMark {
  return { seq, label, t, line: 1 };
}

export function span(label: string, firstSeq: number, lastSeq: number, deltas: CounterDeltas): TimelineSpan {
  return { label, firstSeq, lastSeq, t: firstSeq, dur: lastSeq - firstSeq + 0.5, deltas, line: 1 };
}

/** Calls made on a fake context: [method, ...args]. */
export type Recorded = [string, ...unknown[]];

/** A 2D context that accepts every call and property (records the calls). */
export function fakeContext(log: Recorded[] = []): CanvasRenderingContext2D {
  const props = new Map<PropertyKey, unknown>();
  const handler: ProxyHandler<object> = {
    get(_t, p) {
      if (props.has(p)) return props.get(p);
      if (p === 'measureText') return (s: string) => ({ width: s.length * 6 });
      if (p === 'createLinearGradient' || p === 'createPattern' || p === 'createRadialGradient')
        return () => ({ addColorStop: () => {} });
      if (p === 'getLineDash') return () => [];
      if (typeof p === 'symbol') return undefined;
      return (...args: unknown[]) => {
        log.push([String(p), ...args]);
      };
    },
    set(_t, p, v) {
      props.set(p, v);
      return true;
    },
  };
  return new Proxy({}, handler) as CanvasRenderingContext2D;
}

/** Make canvases and Path2D usable in happy-dom; returns the undo. */
export function installFakeCanvas(log: Recorded[] = []): () => void {
  const proto = HTMLCanvasElement.prototype as unknown as { getContext: unknown };
  const before = proto.getContext;
  proto.getContext = function (this: HTMLCanvasElement) {
    const self = this as HTMLCanvasElement & { __ctx?: CanvasRenderingContext2D };
    self.__ctx ??= fakeContext(log);
    return self.__ctx;
  };
  const g = globalThis as { Path2D?: unknown };
  const hadPath = g.Path2D;
  if (!hadPath) {
    g.Path2D = class {
      moveTo(): void {}
      lineTo(): void {}
      rect(): void {}
      arc(): void {}
      closePath(): void {}
      bezierCurveTo(): void {}
      quadraticCurveTo(): void {}
      addPath(): void {}
    };
  }
  return () => {
    proto.getContext = before;
    if (!hadPath) delete g.Path2D;
  };
}
