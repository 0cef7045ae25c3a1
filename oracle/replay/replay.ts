/**
 * oracleReplay: scenarios → engine runs → operation scripts → one guest boot
 * for all of them → per-scenario reports. The export the CLI, `npm run
 * oracle` and (later) the fuzzer call. The guest runner is injected so that
 * unit tests run without QEMU.
 */
import type { MachineFactory } from '../../engine/scenario/engine-types';
import { compare, type AllowedDifference, type Divergence } from './compare';
import { recordScenario, type Recording } from './record';
import { parseResults } from './results';
import { engineAsKernel } from './self-oracle';
import { translate, type Translation } from './translate';

export interface ReplayItem {
  name: string;
  source: string;
  seed?: number;
}

export type ReportStatus = 'identical' | 'differs' | 'not-runnable' | 'error';

export interface OracleReport {
  name: string;
  status: ReportStatus;
  /** not-runnable / error: why. */
  reason?: string;
  /** Timeline events of the engine run. */
  events: number;
  /** Script lines sent for events. */
  sent: number;
  /** Lines whose kernel result was compared with the engine's. */
  compared: number;
  /** Events not sent, by op, with the first reason each. */
  engineOnly: Record<string, { count: number; why: string }>;
  allowed: AllowedDifference[];
  divergence?: Divergence;
  notes: string[];
  /** Compared only up to this timeline seq (a replay stop, or a documented difference that parted the states). */
  upTo?: number;
  /** The script sent and the driver's output (kept for --json and debugging). */
  script?: string;
  kernelOutput?: string;
}

export interface GuestRunLike {
  outputs: Map<string, string>;
  ok: boolean;
  error?: string;
  console?: string;
}

export type ScriptRunner = (scripts: { name: string; text: string }[]) => Promise<GuestRunLike>;

export interface ReplayOptions {
  /** Default: the QEMU runner of oracle/guest (boots once for all items). */
  runScripts?: ScriptRunner;
  /** Default: the real engine; tests wrap it to inject an engine bug. */
  createMachine?: MachineFactory;
  log?: (line: string) => void;
  /** Keep the script and the driver output in the reports. */
  keepText?: boolean;
  /** No guest: the engine's own answers stand in for the kernel's (checks the translation end to end). */
  dryRun?: boolean;
}

async function defaultRunner(scripts: { name: string; text: string }[]): Promise<GuestRunLike> {
  const { runScripts } = await import('../guest/runner');
  return runScripts(scripts);
}

const HARD_ERRORS = new Set(['EINTERNAL', 'WARN', 'INVARIANT', 'SyntaxError', 'ETIMEDOUT', 'EMEMBUDGET']);

interface Prepared {
  report: OracleReport;
  tr?: Translation;
  rec?: Recording;
}

function engineOnlySummary(tr: Translation): OracleReport['engineOnly'] {
  const out: OracleReport['engineOnly'] = {};
  for (const x of tr.engineOnly) {
    const s = out[x.op];
    if (s) s.count++;
    else out[x.op] = { count: 1, why: x.why };
  }
  return out;
}

/**
 * The observable run: per event the op, its errno and its result — what the
 * mock twin must reproduce. Domain statistics are the pagetable model's own
 * (never sent), and a physical address only says whether the IOVA is mapped.
 */
function shape(rec: Recording): string[] {
  return rec.result.timeline.events.map((e) => {
    const r =
      e.op === 'domain.stats'
        ? ''
        : e.op === 'domain.iovaToPhys'
          ? String(e.result !== null)
          : JSON.stringify(e.result ?? null);
    return `${e.op}${e.errno !== undefined ? ` ${e.errno}` : ` = ${r}`}`;
  });
}

/** Engine side of one item: record, maybe the mock twin, translate. */
export async function prepare(item: ReplayItem, opts: ReplayOptions = {}): Promise<Prepared> {
  const base: OracleReport = {
    name: item.name,
    status: 'not-runnable',
    events: 0,
    sent: 0,
    compared: 0,
    engineOnly: {},
    allowed: [],
    notes: [],
  };
  const run = (pagetableAsMock: boolean): Promise<Recording> =>
    recordScenario({
      source: item.source,
      fileName: item.name,
      seed: item.seed,
      createMachine: opts.createMachine,
      pagetableAsMock,
    });
  let rec = await run(false);
  const err = rec.result.error;
  base.events = rec.result.timeline.events.length;
  if (err && HARD_ERRORS.has(err.errno))
    return {
      report: {
        ...base,
        status: 'error',
        reason: `the engine run failed: ${err.errno} at ${err.line}:${err.column}: ${err.message}`,
      },
    };
  if (err)
    base.notes.push(
      `the scenario threw in the engine at ${err.line}:${err.column} (${err.errno}: ${err.message}); the ops before it are replayed`,
    );
  const pagetable = rec.objects.some((o) => o.kind === 'domain' && o.domainKind === 'pagetable');
  if (pagetable) {
    const twin = await run(true);
    const a = shape(rec);
    const b = shape(twin);
    const te = twin.result.error;
    let at = a.findIndex((x, i) => x !== b[i]);
    if (at < 0 && a.length !== b.length) at = Math.min(a.length, b.length);
    if (at >= 0 || (te?.message ?? '') !== (err?.message ?? '')) {
      const ev = at >= 0 ? (rec.result.timeline.events[at] ?? twin.result.timeline.events[at]) : undefined;
      const where =
        at >= 0 && at < a.length && at < b.length
          ? `seq ${at + 1}, line ${ev?.line ?? 0}: ${b[at]} with a mock domain, ${a[at]} with the pagetable one`
          : te && (te.message !== (err?.message ?? '') || at >= 0)
            ? `with mock domains the scenario itself stops at line ${te.line}: ${te.message}`
            : `the run ends ${te ? `with ${te.errno}` : 'cleanly'} instead of ${err ? err.errno : 'cleanly'}`;
      return {
        report: {
          ...base,
          reason: `pagetable domains: the kernel has only the selftest mock domain, and the scenario's observable results depend on the domain format (${where})`,
        },
      };
    }
    base.notes.push(
      'pagetable domains replayed as mock domains: the engine run with mock domains makes the same calls with the same outcomes',
    );
    rec = twin;
  }
  const tr = translate(rec, { pagetableTwin: pagetable });
  base.sent = tr.lines.filter((l) => l.event > 0).length;
  base.engineOnly = engineOnlySummary(tr);
  if (!tr.runnable) return { report: { ...base, reason: tr.reason } };
  if (tr.stoppedAt) base.upTo = tr.stoppedAt.seq - 1;
  if (tr.stoppedAt)
    base.notes.push(
      `replayed up to seq ${tr.stoppedAt.seq - 1} of ${tr.events}; from line ${tr.stoppedAt.line} not kernel-runnable: ${tr.stoppedAt.reason}`,
    );
  if (opts.keepText) base.script = tr.text;
  return { report: base, tr, rec };
}

/** Replay every item: engine runs first, then one guest boot for all runnable scripts. */
export async function oracleReplay(
  items: readonly ReplayItem[],
  opts: ReplayOptions = {},
): Promise<OracleReport[]> {
  const prepared: Prepared[] = [];
  for (const it of items) {
    opts.log?.(`engine: ${it.name}`);
    try {
      prepared.push(await prepare(it, opts));
    } catch (e) {
      prepared.push({
        report: {
          name: it.name,
          status: 'error',
          reason: `translating failed: ${e instanceof Error ? e.message : String(e)}`,
          events: 0,
          sent: 0,
          compared: 0,
          engineOnly: {},
          allowed: [],
          notes: [],
        },
      });
    }
  }
  const runnable = prepared.filter((p) => p.tr !== undefined);
  if (runnable.length === 0) return prepared.map((p) => p.report);
  const scripts = runnable.map((p, i) => ({ name: `s${i}`, text: (p.tr as Translation).text }));
  opts.log?.(
    `kernel: ${scripts.length} script(s), ${runnable.reduce((n, p) => n + (p.tr?.lines.length ?? 0), 0)} lines`,
  );
  let guest: GuestRunLike;
  try {
    guest = opts.dryRun
      ? { ok: true, outputs: new Map(runnable.map((p, i) => [`s${i}`, engineAsKernel(p.tr as Translation)])) }
      : await (opts.runScripts ?? defaultRunner)(scripts);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    for (const p of runnable)
      Object.assign(p.report, { status: 'error', reason: `the guest run failed: ${msg}` });
    return prepared.map((p) => p.report);
  }
  runnable.forEach((p, i) => {
    const text = guest.outputs.get(`s${i}`);
    const r = p.report;
    if (text === undefined) {
      r.status = 'error';
      r.reason = `no driver output for this script${guest.error ? `: ${guest.error}` : ''}`;
      return;
    }
    if (opts.keepText) r.kernelOutput = text;
    const out = parseResults(text);
    const c = compare(p.tr as Translation, out, p.rec?.result.timeline.events ?? []);
    r.compared = c.compared;
    r.allowed = c.allowed;
    if (c.parted) r.upTo = c.parted.seq;
    if (c.parted)
      r.notes.push(
        `compared up to seq ${c.parted.seq} (${c.parted.op}): there the kernel acted on another object (${c.parted.rule}), so its state is no longer the engine's`,
      );
    if (c.divergence) {
      r.status = 'differs';
      r.divergence = c.divergence;
    } else r.status = 'identical';
  });
  return prepared.map((p) => p.report);
}
