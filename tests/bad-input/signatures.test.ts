/**
 * The recorder's table of parameter names and option keys
 * (engine/scenario/facade/signatures.ts) is lab.d.ts's: every recorded
 * member is listed with its parameters in order and exactly its option keys,
 * boolean options marked boolean.
 */
import { describe, expect, it } from 'vitest';
import { SIGNATURES } from '../../engine/scenario/facade/signatures';
import { apiSurface, opName, type Param } from './api-surface';

/** Members that validate their own arguments outside the recorder (no timeline event of their own). */
const NOT_RECORDED = new Set(['lab.random', 'lab.mark', 'lab.measure', 'lab.counters', 'lab.log']);

describe('signatures.ts against lab.d.ts', () => {
  const members = apiSurface();
  it('lists every recorded member with its parameter names', () => {
    const fromDts = Object.fromEntries(
      members
        .filter((m) => !NOT_RECORDED.has(opName(m)))
        .map((m) => [opName(m), m.params.map((p) => p.name)]),
    );
    const fromTable = Object.fromEntries(Object.entries(SIGNATURES).map(([k, s]) => [k, [...s.params]]));
    expect(fromTable).toEqual(fromDts);
  });

  it('lists exactly the declared option keys, boolean ones as boolean', () => {
    const want: Record<string, Record<number, Record<string, string>>> = {};
    const got: Record<string, Record<number, Record<string, string>>> = {};
    for (const m of members) {
      const op = opName(m);
      m.params.forEach((p: Param, i) => {
        if (p.kind.k !== 'opts') return;
        want[op] ??= {};
        (want[op] as Record<number, Record<string, string>>)[i] = Object.fromEntries(
          p.kind.props.map((x) => [x.name, x.kind.k === 'boolean' ? 'boolean' : 'value']),
        );
      });
    }
    for (const [op, s] of Object.entries(SIGNATURES)) {
      if (s.options) got[op] = Object.fromEntries(Object.entries(s.options).map(([i, o]) => [i, { ...o }]));
    }
    expect(got).toEqual(want);
  });

  it('lists the keys of the records of array arguments (allowIovas ranges)', () => {
    const want: Record<string, string[]> = {};
    for (const m of members)
      m.params.forEach((p, i) => {
        if (p.kind.k === 'ranges') want[`${opName(m)} ${i}`] = ['start', 'last'];
      });
    const got: Record<string, string[]> = {};
    for (const [op, s] of Object.entries(SIGNATURES))
      for (const [i, r] of Object.entries(s.records ?? {})) got[`${op} ${i}`] = Object.keys(r);
    expect(got).toEqual(want);
  });
});
