/** The saved-run file: format, writer and validating reader. */
export * from './format';
export { parseRunFile, looksLikeRunFile } from './parse';
export { serializeRun, savedRun, fromResult, type SavedRunFields, type FinishedRun } from './serialize';
