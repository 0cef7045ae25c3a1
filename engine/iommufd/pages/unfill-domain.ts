import type { IommuDomain } from '../../iommu';
import type { Process } from '../../mm';
import type { IoptArea } from '../area';
import type { IoptPages } from './iopt-pages';

/** iopt_area_unfill_domains (§7.2) */
export function unfillDomains(area: IoptArea, pages: IoptPages, current?: Process): void {
  void area;
  void pages;
  void current;
}

/** iopt_area_unfill_domain (§7.5) */
export function unfillDomain(area: IoptArea, pages: IoptPages, domain: IommuDomain): void {
  void area;
  void pages;
  void domain;
}

/** iopt_area_unfill_partial_domain (§7.5) */
export function unfillPartialDomain(
  area: IoptArea,
  pages: IoptPages,
  domain: IommuDomain,
  end: number,
): void {
  void area;
  void pages;
  void domain;
  void end;
}

/** iopt_area_unmap_domain (§7.5) */
export function unmapDomain(area: IoptArea, domain: IommuDomain): void {
  void area;
  void domain;
}

/** iopt_area_unmap_domain_range (§7.5) */
export function unmapDomainRange(area: IoptArea, domain: IommuDomain, first: number, last: number): void {
  void area;
  void domain;
  void first;
  void last;
}
