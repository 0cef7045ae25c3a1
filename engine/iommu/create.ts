import { fail, toArray, type Kernel } from '../base';
import { MockDomain } from './mock-domain';
import { FORMATS, isFormatName } from './pagetable/formats';
import { PagetableDomain } from './pagetable/pagetable-domain';
import type { CreateDomainOptions, IommuDomain } from './types';

/**
 * iommu_domain_alloc for the emulated kinds. Validates the options: an
 * unknown kind or format, format/pageSizes on a mock, or page sizes the
 * format cannot install → EINVAL naming the option.
 */
export function createDomain(kernel: Kernel, id: number, opts: CreateDomainOptions = {}): IommuDomain {
  const kind = opts.kind ?? 'mock';
  if (kind !== 'mock' && kind !== 'pagetable') fail('EINVAL', `kind: unknown domain kind ${String(kind)}`);
  const batchApi = opts.batchApi ?? false;
  if (typeof batchApi !== 'boolean') fail('EINVAL', `batchApi: must be a boolean, got ${String(batchApi)}`);
  if (kind === 'mock') {
    if (opts.format !== undefined) fail('EINVAL', `format: only for kind 'pagetable'`);
    if (opts.pageSizes !== undefined) fail('EINVAL', `pageSizes: only for kind 'pagetable'`);
    return new MockDomain(kernel, id, batchApi);
  }
  const formatName = opts.format ?? 'x86_64';
  if (!isFormatName(formatName)) fail('EINVAL', `format: unknown page-table format ${String(formatName)}`);
  const fmt = FORMATS[formatName];
  let sizes: number[] = fmt.leafSizes.slice();
  if (opts.pageSizes !== undefined) {
    const ps: unknown = opts.pageSizes;
    if (!Array.isArray(ps) || ps.length === 0) fail('EINVAL', 'pageSizes: must be a non-empty array');
    const seen = new Set<number>();
    for (const s of ps as unknown[]) {
      if (typeof s !== 'number' || !fmt.leafSizes.includes(s)) {
        fail(
          'EINVAL',
          `pageSizes: ${String(s)} is not a leaf size of ${formatName} (${fmt.leafSizes.join(', ')})`,
        );
      }
      seen.add(s);
    }
    sizes = toArray(seen).sort((a, b) => a - b);
  }
  return new PagetableDomain(kernel, id, fmt, sizes, batchApi);
}
