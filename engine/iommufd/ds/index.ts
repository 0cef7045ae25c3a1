export { IntervalTree, type ItNode } from './interval-tree';
export { SpanIter } from './span-iter';
export { DoubleSpanIter } from './double-span';
export { Xarray, XA_CHUNK_SIZE, XA_NODE_BYTES } from './xarray';
export { keyInc, keyDec, keyMin, keyMax } from './keys';
