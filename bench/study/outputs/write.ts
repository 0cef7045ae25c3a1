/** Write the study's four files into a folder: study.json, study.md, study.csv, study.html. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serializeStudy, type StudyFile } from '../../../engine/scenario/study-file';
import { studyCsv } from './csv';
import { studyHtml } from './html';
import { studyMarkdown } from './markdown';

export const STUDY_OUTPUT_FILES = ['study.json', 'study.md', 'study.csv', 'study.html'] as const;

export function writeStudy(dir: string, f: StudyFile): string[] {
  mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    ['study.json', serializeStudy(f)],
    ['study.md', studyMarkdown(f)],
    ['study.csv', studyCsv(f)],
    ['study.html', studyHtml(f)],
  ];
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  return files.map(([n]) => join(dir, n));
}
