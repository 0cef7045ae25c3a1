/**
 * Types of the two sucrase modules call-sites.ts imports by path (sucrase's
 * package exposes them, but its typings live under dist/types).
 */
declare module 'sucrase/dist/parser/index.js' {
  export * from 'sucrase/dist/types/parser/index';
}
declare module 'sucrase/dist/parser/tokenizer/types.js' {
  export * from 'sucrase/dist/types/parser/tokenizer/types';
}
