/**
 * Recognise and read a study result file. `isStudyText` is a cheap sniff
 * (the documents and runs stores hand such a text over to the study store):
 * the writer's own head (`looksLikeStudyFile`: format first), or a `format`
 * field anywhere in a hand-edited file. `readStudy` is the engine's
 * validating reader (engine/scenario/study-file/parse.ts): every field
 * checked, the error names the field at fault.
 */
import type { StudyFile } from '../../engine/scenario/study-file/format';
import { looksLikeStudyFile, parseStudyFile } from '../../engine/scenario/study-file/parse';

export function isStudyText(text: string): boolean {
  if (looksLikeStudyFile(text)) return true;
  const t = text.trimStart();
  if (!t.startsWith('{')) return false;
  if (/"format"\s*:\s*"pfnlab-study"/.test(t.slice(0, 4096))) return true;
  try {
    const v: unknown = JSON.parse(t);
    return typeof v === 'object' && v !== null && (v as { format?: unknown }).format === 'pfnlab-study';
  } catch {
    return false;
  }
}

/** Parse and check a study file; throws (a LabError EINVAL) naming what is wrong. */
export function readStudy(text: string): StudyFile {
  return parseStudyFile(text);
}
