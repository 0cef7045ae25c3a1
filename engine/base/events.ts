/**
 * Engine events that are not API calls: driver warnings (the kernel's WARN_ON)
 * and harmless probes that the kernel tolerates (IOMMUFD-ALGORITHMS.md §7.4,
 * the read of an already unmapped IOVA). A warning fails a run under --check
 * and in tests; a probe never does.
 */
export type EngineEventKind = 'warning' | 'probe';

export interface EngineEvent {
  kind: EngineEventKind;
  /** Who raised it, e.g. 'mock-domain 3', 'pages', 'mm'. */
  source: string;
  message: string;
}

export type EngineEventListener = (e: EngineEvent) => void;

export class EventLog {
  readonly events: EngineEvent[] = [];
  warnings = 0;
  probes = 0;
  private listeners: EngineEventListener[] = [];
  /** Keep at most this many events in memory; counts stay exact. */
  constructor(private readonly cap = 10000) {}

  warn(source: string, message: string): void {
    this.warnings++;
    this.push({ kind: 'warning', source, message });
  }

  probe(source: string, message: string): void {
    this.probes++;
    this.push({ kind: 'probe', source, message });
  }

  subscribe(fn: EngineEventListener): () => void {
    this.listeners.push(fn);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== fn);
    };
  }

  private push(e: EngineEvent): void {
    if (this.events.length < this.cap) this.events.push(e);
    for (const l of this.listeners) l(e);
  }
}
