/**
 * The editor's virtual file system mirrors the repository, so that the
 * bundled scenarios' `/// <reference path="../engine/scenario/api/lab.d.ts" />`
 * resolves (from the open scenario) to the very file the TypeScript service
 * holds the declarations under: one copy, no "file not found", no duplicates.
 */
export const LAB_DTS_URI = 'file:///engine/scenario/api/lab.d.ts';
/** A scenario model's place (every open document's model is a file beside it). */
export const SCENARIO_URI = 'file:///scenarios/scenario.ts';

/** The model of open document `id` (a tab id: letters, digits and dashes). */
export function docUri(id: string): string {
  return `file:///scenarios/doc-${encodeURIComponent(id)}.ts`;
}
