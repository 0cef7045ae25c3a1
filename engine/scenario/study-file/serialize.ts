/**
 * serializeStudy(file): the study file's text — `format` and `version` first
 * (a reader knows what it holds from the first bytes), one cell per line so
 * a diff of two studies reads cell by cell.
 */
import type { StudyFile } from './format';

export function serializeStudy(file: StudyFile): string {
  const { format, version, cells, ...rest } = file;
  const head = JSON.stringify({ format, version, ...rest });
  const body = cells.map((c) => JSON.stringify(c)).join(',\n  ');
  return `${head.slice(0, -1)},\n "cells": [\n  ${body}\n ]\n}\n`;
}
