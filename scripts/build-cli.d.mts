/** Types of build-cli.mjs for TypeScript importers (tests, benchmarks). */
export declare const OUT_DIR: string;
export declare function buildCli(): Promise<{ files: string[]; inputs: number; ms: number }>;
