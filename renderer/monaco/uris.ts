/**
 * The editor's virtual file system mirrors the repository, so that the
 * bundled scenarios' `/// <reference path="../engine/scenario/api/lab.d.ts" />`
 * resolves (from the open scenario) to the very file the TypeScript service
 * holds the declarations under: one copy, no "file not found", no duplicates.
 */
export const LAB_DTS_URI = 'file:///engine/scenario/api/lab.d.ts';
/** The open scenario's model. */
export const SCENARIO_URI = 'file:///scenarios/scenario.ts';
