/**
 * Every member of the scenario API (read from lab.d.ts) called with bad
 * arguments, one parameter at a time (bad-values.ts): the right errno, a
 * message naming the argument, the state unchanged by a failed call, no
 * engine error, and the machine usable afterwards. One run per member.
 */
import '../../engine/scenario/testing/lockdown';
import { describe, expect, it } from 'vitest';
import { createMachine } from '../../engine/scenario/machine-factory';
import { runScenario } from '../../engine/scenario/runner';
import { apiSurface, labErrnos } from './api-surface';
import { casesOf, fixture, type BadCase } from './bad-values';

const LAB_ERRNOS = labErrnos();

/** Calls that may succeed, and why. */
const ACCEPTED = new Set([
  // pinCount reads 0 for an address nothing maps (engine/iommufd/machine.ts), an exited process's included
  'lab.pinCount(buf, ({ process: child }))',
  // configure() with nothing to configure changes nothing
  'lab.configure()',
]);

/** After the cases: the machine still checks out and still works. */
const AFTER = `
lab.checkInvariants();
const z = lab.process.mmap(4 * lab.PAGE_SIZE);
lab.process.write(z, new Uint8Array([7]));
if (lab.process.read(z, 1)[0] !== 7) throw new Error('machine unusable after the bad calls');
const zfd = lab.open(); const zi = zfd.ioasAlloc(); zi.attachDomain(); zi.map(z, 4 * lab.PAGE_SIZE); zfd.close();
lab.checkInvariants();
`;

type Outcome = [index: number, errno: string | null, message: string] | [index: number, 'ok'];

function scenario(cases: BadCase[], fresh: boolean): string {
  const body = cases
    .map(
      (c, i) =>
        `lab.mark("case ${i}");\ntry { ${c.call}; __out.push([${i}, "ok"]); } catch (e) { __out.push([${i}, e && typeof e.errno === "string" ? e.errno : null, String(e && e.message)]); }`,
    )
    .join('\n');
  return `${fixture(fresh)}const __out = [];\n${body}\nlab.log(JSON.stringify(__out));\n${AFTER}`;
}

const members = apiSurface();

describe('bad arguments to every lab method (from lab.d.ts)', () => {
  it('lab.d.ts has the receivers and every parameter type has bad values', () => {
    expect(members.length).toBeGreaterThan(40);
    const unknown = members.flatMap((m) => {
      const c = casesOf(m);
      return 'unknown' in c ? [c.unknown] : [];
    });
    expect(unknown).toEqual([]);
  });

  for (const m of members) {
    const cases = casesOf(m);
    if ('unknown' in cases || cases.length === 0) continue;
    it(`${m.receiver}.${m.name}: ${cases.length} bad calls`, async () => {
      const fresh = m.receiver === 'Lab' && m.name === 'configure';
      const { result } = await runScenario(createMachine, { source: scenario(cases, fresh), check: true });
      const problems: string[] = [];
      if (result.error) {
        const last = result.timeline.marks.at(-1)?.label ?? '';
        const k = Number(/case (\d+)/.exec(last)?.[1] ?? -1);
        const at = cases[k] ? ` at ${cases[k].call}` : '';
        problems.push(`run failed${at}: ${result.error.errno}: ${result.error.message}`);
      }
      const log = result.timeline.logs.find((l) => l.text.startsWith('[['));
      const outcomes = log ? (JSON.parse(log.text) as Outcome[]) : [];
      const events = new Map(result.timeline.events.map((e) => [e.seq, e]));
      const markSeq = new Map(result.timeline.marks.map((x) => [x.label, x.seq]));
      for (const o of outcomes) {
        const c = cases[o[0]] as BadCase;
        const tag = `${c.call.length > 140 ? `${c.call.slice(0, 140)}…` : c.call} [${c.cls}]`;
        if (o[1] === 'ok') {
          if (c.cls !== 'absurd' && !ACCEPTED.has(c.call)) problems.push(`${tag}: accepted`);
          continue;
        }
        const [, errno, message] = o;
        if (errno === null || !LAB_ERRNOS.has(errno)) {
          problems.push(`${tag}: not a LabError: ${errno}: ${message}`);
          continue;
        }
        if (c.cls === 'type') {
          if (errno !== 'EINVAL') problems.push(`${tag}: ${errno} (expected EINVAL): ${message}`);
          else if (c.names !== '' && !message.toLowerCase().includes(c.names.toLowerCase()))
            problems.push(`${tag}: message does not name '${c.names}': ${message}`);
        }
        // a failed call leaves the state as it was (the digest of the event before it)
        const before = markSeq.get(`case ${o[0]}`);
        const ev = before === undefined ? undefined : events.get(before + 1);
        const prev = before === undefined ? undefined : events.get(before);
        if (ev?.errno !== undefined && prev !== undefined && ev.digest !== prev.digest)
          problems.push(`${tag}: failed with ${errno} but changed the state`);
      }
      if (!result.error && outcomes.length !== cases.length)
        problems.push(`${outcomes.length} outcomes for ${cases.length} cases`);
      expect(problems).toEqual([]);
    });
  }
});
