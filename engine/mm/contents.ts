import { PAGE_SIZE } from '../base';

/**
 * Frame contents, stored sparsely: only frames that were written hold a
 * 4 KiB buffer; every other frame reads as zeros.
 */
export class FrameContents {
  private readonly data = new Map<number, Uint8Array>();

  get count(): number {
    return this.data.size;
  }

  get bytes(): number {
    return this.data.size * PAGE_SIZE;
  }

  read(pfn: number, offset: number, dst: Uint8Array, dstOffset: number, length: number): void {
    const buf = this.data.get(pfn);
    if (buf === undefined) dst.fill(0, dstOffset, dstOffset + length);
    else dst.set(buf.subarray(offset, offset + length), dstOffset);
  }

  write(pfn: number, offset: number, src: Uint8Array, srcOffset: number, length: number): void {
    let buf = this.data.get(pfn);
    if (buf === undefined) {
      buf = new Uint8Array(PAGE_SIZE);
      this.data.set(pfn, buf);
    }
    buf.set(src.subarray(srcOffset, srcOffset + length), offset);
  }

  /** copy-on-write: dst gets src's bytes (nothing stored when src is all zeros). */
  copy(dst: number, src: number): void {
    const buf = this.data.get(src);
    if (buf === undefined) this.data.delete(dst);
    else this.data.set(dst, buf.slice());
  }

  has(pfn: number): boolean {
    return this.data.has(pfn);
  }

  drop(pfn: number): void {
    this.data.delete(pfn);
  }
}
