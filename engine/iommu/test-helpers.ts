/** Shared helpers for the engine/iommu tests (not part of the public API). */
import { Kernel } from '../base';
import { createDomain } from './create';
import type { CreateDomainOptions, IommuDomain } from './types';

export function newDomain(opts: CreateDomainOptions = {}, id = 1): { k: Kernel; d: IommuDomain } {
  const k = new Kernel();
  return { k, d: createDomain(k, id, opts) };
}

export function warnings(k: Kernel): string[] {
  return k.events.events.filter((e) => e.kind === 'warning').map((e) => e.message);
}

export function probes(k: Kernel): string[] {
  return k.events.events.filter((e) => e.kind === 'probe').map((e) => e.message);
}

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;
