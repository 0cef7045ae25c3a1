/**
 * struct iommu_iotlb_gather: the IOVA range whose IOTLB entries an unmap
 * must invalidate, and the table pages it freed (released only after the
 * flush, as a driver must). One per iommu_unmap call; flushed once.
 */
export class IotlbGather {
  start = Infinity;
  /** Exclusive. */
  end = 0;
  /** Page-table pages waiting for the flush before they may be reused. */
  readonly freelist: number[] = [];

  get empty(): boolean {
    return this.end === 0 && this.freelist.length === 0;
  }

  add(iova: number, size: number): void {
    if (iova < this.start) this.start = iova;
    if (iova + size > this.end) this.end = iova + size;
  }

  reset(): void {
    this.start = Infinity;
    this.end = 0;
    // setting an array's length costs ~100 ns even when it is 0 already
    if (this.freelist.length !== 0) this.freelist.length = 0;
  }
}
