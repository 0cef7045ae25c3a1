import { newCounters, type Counters } from './counters';
import { EventLog } from './events';
import { FaultInjector } from './faults';
import { TEMP_MEMORY_LIMIT_DEFAULT } from './units';

/**
 * What every layer of one emulated machine shares: the work counters, the
 * fault injector, the event log (WARN_ON), and the test knob
 * TEMP_MEMORY_LIMIT. One instance per machine; passed down explicitly, never
 * a module global, so several machines (e.g. failnth reruns) can coexist.
 */
export class Kernel {
  readonly counters: Counters = newCounters();
  readonly faults: FaultInjector = new FaultInjector(this.counters);
  readonly events: EventLog = new EventLog();
  /** IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT; bytes, >= 12. */
  tempMemoryLimit: number = TEMP_MEMORY_LIMIT_DEFAULT;

  /** WARN_ON: record a driver/kernel warning and count it. */
  warn(source: string, message: string): void {
    this.counters.warnings++;
    this.events.warn(source, message);
  }
}
