/** The study result file: format, writer and validating reader. */
export * from './format';
export { parseStudyFile, looksLikeStudyFile, STUDY_FILE_LIMITS } from './parse';
export { serializeStudy } from './serialize';
