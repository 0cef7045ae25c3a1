/**
 * Stands in for the `electron` package in the engine test project (vitest
 * alias): a test must `vi.mock('electron', …)`. Importing the real package
 * resolves the Electron binary, which is downloaded on first use and cannot
 * be fetched on the test machines.
 */
throw new Error(
  "a test imported 'electron' without vi.mock('electron', ...): mock it at the module boundary",
);

export {};
