/**
 * Known, reviewed differences between the engine (SCENARIO-API.md: v6.2
 * semantics with later fixes) and the oracle kernel (6.12). Each rule names
 * the op, the condition and both results, and points to the section of
 * docs/kernel-differences.md that holds the evidence. A divergence that no
 * rule matches exactly is an engine bug. Never add a rule that matches on
 * the op alone.
 */
import type { KernelLine } from './results';
import type { Expectation, ScriptLine } from './translate';

export interface AllowRule {
  id: string;
  /** One sentence: op, condition, engine result, kernel result. */
  rule: string;
  /** Anchor in docs/kernel-differences.md. */
  doc: string;
  matches(line: ScriptLine, engine: Expectation, kernel: KernelLine): boolean;
  /** The kernel's state is no longer the engine's after this difference: the comparison ends there. */
  parts?(kernel: KernelLine): boolean;
}

const isErr = (x: Expectation | KernelLine, errno: string): boolean =>
  'ok' in x && x.ok === false && x.errno === errno;
const isOk = (x: KernelLine): boolean => 'ok' in x && x.ok;

export const ALLOW_LIST: readonly AllowRule[] = [
  {
    id: 'stale-handle',
    rule: "any op on an object the scenario already destroyed while another object of the same context holds its id: engine ENOENT (its handle is the object), kernel acts on the id's new holder",
    doc: 'docs/kernel-differences.md#stale-handles',
    matches: (l, e) => l.facts.stale !== undefined && isErr(e, 'ENOENT'),
    // the kernel changed the new holder (a destroy destroyed it, a map mapped into it)
    parts: (k) => isOk(k),
  },
  {
    id: 'check-refs-compound',
    rule: 'lab.checkRefs over memory backed by huge pages (hugetlb, THP) with a wrong count: engine EIO (it checks every page), kernel ok (MD_CHECK_REFS skips compound pages)',
    doc: 'docs/kernel-differences.md#check-refs-on-huge-pages',
    matches: (l, e, k) =>
      l.op === 'lab.checkRefs' && l.facts.hugeBacked === true && isErr(e, 'EIO') && isOk(k),
  },
  {
    id: 'pin-without-needs-pin',
    rule: 'access.pin on an access created without needsPinPages: engine EINVAL (SCENARIO-API-ADDITIONS errno choice), kernel EOPNOTSUPP',
    doc: 'docs/kernel-differences.md#pin-without-needs-pin-pages',
    matches: (l, e, k) => l.op === 'access.pin' && isErr(e, 'EINVAL') && isErr(k, 'EOPNOTSUPP'),
  },
];

export function allowed(line: ScriptLine, engine: Expectation, kernel: KernelLine): AllowRule | null {
  for (const r of ALLOW_LIST) if (r.matches(line, engine, kernel)) return r;
  return null;
}
