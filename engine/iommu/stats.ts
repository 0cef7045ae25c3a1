import type { Kernel } from '../base';
import type { DomainStats } from './types';

/**
 * Per-domain counters. Plain number fields (monomorphic increments in hot
 * loops); `snapshot()` is what IommuDomain.stats() returns. Updates that have
 * a machine-wide twin in kernel.counters go through the helpers below so the
 * two never drift.
 */
export class DomainCounters {
  mappedBytes = 0;
  mapCalls = 0;
  unmapCalls = 0;
  pteWrites = 0;
  tableBytes = 0;
  tableBytesPeak = 0;
  mapPagesCalls = 0;
  unmapPagesCalls = 0;
  iovaToPhysCalls = 0;
  iotlbFlushes = 0;
  readPfnsCalls = 0;
  mapPfnListCalls = 0;
  ioPagesMapped = 0;
  ioPagesUnmapped = 0;

  constructor(private readonly kernel: Kernel) {}

  /** `entries` leaf entries installed covering `bytes`, with `writes` entry writes. */
  mapped(entries: number, bytes: number, writes: number): void {
    this.ioPagesMapped += entries;
    this.kernel.counters.ioPagesMapped += entries;
    this.mappedBytes += bytes;
    this.pte(writes);
  }

  unmapped(entries: number, bytes: number, writes: number): void {
    this.ioPagesUnmapped += entries;
    this.kernel.counters.ioPagesUnmapped += entries;
    this.mappedBytes -= bytes;
    this.pte(writes);
  }

  pte(writes: number): void {
    this.pteWrites += writes;
    this.kernel.counters.pteWrites += writes;
  }

  tables(deltaBytes: number): void {
    this.tableBytes += deltaBytes;
    if (this.tableBytes > this.tableBytesPeak) this.tableBytesPeak = this.tableBytes;
  }

  snapshot(entries: number): DomainStats {
    return {
      mappedBytes: this.mappedBytes,
      mapCalls: this.mapCalls,
      unmapCalls: this.unmapCalls,
      pteWrites: this.pteWrites,
      tableBytes: this.tableBytes,
      tableBytesPeak: this.tableBytesPeak,
      mapPagesCalls: this.mapPagesCalls,
      unmapPagesCalls: this.unmapPagesCalls,
      iovaToPhysCalls: this.iovaToPhysCalls,
      iotlbFlushes: this.iotlbFlushes,
      readPfnsCalls: this.readPfnsCalls,
      mapPfnListCalls: this.mapPfnListCalls,
      ioPagesMapped: this.ioPagesMapped,
      ioPagesUnmapped: this.ioPagesUnmapped,
      entries,
    };
  }
}
