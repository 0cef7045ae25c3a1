export * from './errno';
export * from './units';
export * from './counters';
export * from './faults';
export * from './events';
export * from './rng';
export * from './kernel';
export * from './arrays';
