import { fail } from '../../base';
import type { IommuDomain } from '../../iommu';
import type { Process } from '../../mm';
import type { IoptArea } from '../area';
import type { IoptPages } from './iopt-pages';

/** iopt_area_fill_domains (§7.1) */
export function fillDomains(area: IoptArea, pages: IoptPages, current: Process): void {
  void area;
  void pages;
  void current;
  fail('EINVAL', 'not implemented');
}

/** iopt_area_fill_domain (§7.3) */
export function fillDomain(area: IoptArea, domain: IommuDomain, current: Process): void {
  void area;
  void domain;
  void current;
  fail('EINVAL', 'not implemented');
}
