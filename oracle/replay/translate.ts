/**
 * The translator: a recorded engine run (record.ts) → the operation script
 * of docs/ORACLE-SCRIPT.md, with, for every line, what the engine answered
 * in the script's terms (the expectation the kernel's result line is
 * compared with). Physical addresses never reach the script: an
 * `iovaToPhys` becomes the relation "IOVA maps the frame behind UPTR"
 * (check_map) or "IOVA maps nothing" (check_unmapped); user addresses are
 * the engine's (every mmap at the address the engine returned).
 *
 * Numbering: the script starts with the translator's own preamble (the
 * engine's process defaults — CAP_SYS_RESOURCE held, RLIMIT_MEMLOCK
 * unlimited — and a context `fz` of its own for the context-less test ops
 * check_refs and temp_memory_limit), so a line's SEQ is the timeline seq plus
 * the preamble's length; reports always speak in timeline seqs.
 */
import type { TimelineEvent } from '../../engine/scenario/timeline';
import { itemNameOf, type ObjInfo, type RecordedCall, type Recording } from './record';
import { bytesArg, bytesHash, bytesHex, HASH_READS_OVER, u64, uint, type ValueKind } from './script-values';

export interface ExpectValue {
  kind: ValueKind;
  v: string;
  /** What the value is, for reports ('IOVA', 'bytes'). */
  what: string;
}

export type Expectation =
  | { ok: true; values: (ExpectValue | null)[]; keys: Record<string, ExpectValue> }
  | { ok: false; errno: string };

/** Facts about a line that the allow-list rules look at. */
export interface LineFacts {
  /** The op's object was destroyed and its id is now another object's ("id 2 now holds a1"). */
  stale?: string;
  /** check_refs over memory backed by huge pages (hugetlb or THP). */
  hugeBacked?: boolean;
  /** The object kind a creating op makes. */
  creates?: string;
}

export interface ScriptLine {
  /** SEQ in the script. */
  seq: number;
  /** Timeline seq; 0 for the translator's own lines. */
  event: number;
  /** The engine op ('ioas.map'), or 'preamble' / 'postamble'. */
  op: string;
  text: string;
  /** null: a helper line (it must only succeed). */
  expect: Expectation | null;
  facts: LineFacts;
}

export interface EngineOnly {
  event: number;
  op: string;
  why: string;
}

export interface Translation {
  runnable: boolean;
  /** Why the scenario is not kernel-runnable. */
  reason?: string;
  text: string;
  lines: ScriptLine[];
  engineOnly: EngineOnly[];
  /** Timeline events of the engine run. */
  events: number;
  /** The replay ends before this event (the ops before it are sent): why. */
  stoppedAt?: { seq: number; line: number; reason: string };
}

/** Ops with no kernel counterpart: never sent (ORACLE-SCRIPT.md). */
const ENGINE_ONLY: Record<string, string> = {
  'lab.configure':
    "machine settings (physical memory, fragmentation, hugetlb pool, seed) are the emulated machine's; the guest has its own",
  'lab.layout': 'validates a layout file: no kernel call',
  'lab.checkInvariants': "the engine's own consistency check",
  'domain.stats': "driver statistics of the engine's domain model",
};

const NOT_RUNNABLE_OPS: Record<string, string> = {
  'lab.failNth':
    "fault injection: the engine's n-th fallible step is not the kernel's n-th fail-nth site (failslab and friends count every allocation), so the same n fails different operations",
  'lab.faultConsumed': 'fault injection (see lab.failNth)',
};

const PAGE = 4096;
const MOCK_IO_PAGE = 2048;

type Out = { text: string; expect: Expectation | null; facts?: LineFacts } | { engineOnly: string };

interface Mapping {
  addr: number;
  len: number;
  huge: boolean;
  process: string;
}

function ok(values: (ExpectValue | null)[] = [], keys: Record<string, ExpectValue> = {}): Expectation {
  return { ok: true, values, keys };
}

function num(v: string, what: string): ExpectValue {
  return { kind: 'num', v, what };
}

function prop(o: unknown, k: string): unknown {
  return typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[k] : undefined;
}

function dec(v: number | bigint): string {
  return v.toString();
}

export interface TranslateOptions {
  /** The scenario is the mock twin of one with pagetable domains. */
  pagetableTwin?: boolean;
  /**
   * The driver gives every mock_domain a domain of its own (IOMMU_HWPT_ALLOC +
   * MOCK_DOMAIN_REPLACE when 6.12's test op joined an existing auto domain).
   * It does (oracle/driver, server_iommufd.c); false brings back the replay stop at a second live domain on one IOAS.
   */
  ownDomainPerDevice?: boolean;
}

/** Whether the driver answers mock_domain with a domain per call (docs/ORACLE-SCRIPT.md, translator additions). */
export const DRIVER_OWN_DOMAIN_PER_DEVICE = true;

export function translate(rec: Recording, opts: TranslateOptions = {}): Translation {
  const events = rec.result.timeline.events;
  const lines: ScriptLine[] = [];
  const engineOnly: EngineOnly[] = [];
  const mappings: Mapping[] = [];
  let reason: string | undefined;
  let setTempLimit = false;

  const init = rec.initial;
  const pre: string[] = ['cap sys_resource 1'];
  pre.push(
    `memlock ${init.memlockLimit === Infinity ? 'unlimited' : dec(Math.max(0, Math.floor(init.memlockLimit)))}`,
  );
  if (!init.capSysResource) pre.push('cap sys_resource 0');
  if (init.capIpcLock) pre.push('cap ipc_lock 1');
  pre.push('fz = open');
  const k = pre.length;
  pre.forEach((t, i) => {
    const seq = i + 1;
    lines.push({ seq, event: 0, op: 'preamble', text: `${seq} ${t} at=p0`, expect: null, facts: {} });
  });

  const byPid = (label: string): ObjInfo | undefined => {
    const m = /^process (\d+)$/.exec(label);
    return m ? rec.processes.get(Number(m[1])) : undefined;
  };
  const dead = (o: ObjInfo | undefined, seq: number): boolean =>
    o !== undefined && o.destroyedAt !== undefined && o.destroyedAt < seq;
  const procName = (p: unknown, dflt: string): string => {
    const pid = prop(p, 'pid');
    if (typeof pid === 'number') return rec.processes.get(pid)?.name ?? dflt;
    return dflt;
  };
  const procInfo = (name: string): ObjInfo | undefined =>
    rec.objects.find((o) => o.kind === 'process' && o.name === name);

  /** The ids the kernel knows an object by, in its context. */
  const idsOf = (o: ObjInfo): number[] =>
    o.kind === 'domain' ? [o.deviceId ?? -1, o.id, o.idevId ?? -1] : o.kind === 'process' ? [] : [o.id];
  /** A destroyed object whose id another live object of the same context now holds. */
  const staleFact = (o: ObjInfo, seq: number): string | undefined => {
    if (o.destroyedAt === undefined || o.destroyedAt >= seq || o.kind === 'iommufd' || o.kind === 'process')
      return undefined;
    const mine = idsOf(o);
    for (const x of rec.objects) {
      if (x === o || x.ctx !== o.ctx || x.createdAt < o.destroyedAt || x.createdAt >= seq) continue;
      if (x.destroyedAt !== undefined && x.destroyedAt < seq) continue;
      const shared = idsOf(x).find((id) => mine.includes(id));
      if (shared !== undefined)
        return `id ${shared} of ${o.name} (destroyed at seq ${o.destroyedAt}) now holds ${x.name}`;
    }
    return undefined;
  };

  const hugeBacked = (proc: string, u: number, len: number): boolean =>
    mappings.some((m) => m.huge && m.process === proc && u < m.addr + m.len && m.addr < u + len);

  const one = (e: TimelineEvent, call: RecordedCall | undefined): Out => {
    const eo = ENGINE_ONLY[e.op];
    if (eo !== undefined) return { engineOnly: eo };
    const failed = e.errno !== undefined;
    const expectEnd = (
      values: (ExpectValue | null)[] = [],
      keys: Record<string, ExpectValue> = {},
    ): Expectation => (failed ? { ok: false, errno: e.errno as string } : ok(values, keys));

    // property sets: no engine method call, the timeline has the value
    const pm = /^process\.(memlockLimit|capIpcLock|capSysResource)$/.exec(e.op);
    if (pm) {
      const p = byPid(e.target);
      if (!p) return { engineOnly: `unknown process ${e.target}` };
      if (failed)
        return { engineOnly: `rejected by the API (${e.errno}): not a value the kernel call takes` };
      if (dead(p, e.seq)) return { engineOnly: `${p.name} has exited: no kernel process makes the call` };
      const v = e.args[0];
      if (pm[1] === 'memlockLimit') {
        const bytes = v === 'Infinity' ? 'unlimited' : typeof v === 'number' ? dec(v) : null;
        if (bytes === null) return { engineOnly: 'memlock value not representable' };
        return { text: `memlock ${bytes} at=${p.name}`, expect: expectEnd() };
      }
      const cap = pm[1] === 'capIpcLock' ? 'ipc_lock' : 'sys_resource';
      return { text: `cap ${cap} ${v === true ? 1 : 0} at=${p.name}`, expect: expectEnd() };
    }
    if (!call) {
      return failed
        ? { engineOnly: `rejected by the API before the engine (${e.errno}: argument check of the facade)` }
        : { engineOnly: 'no engine call recorded' };
    }
    const t = call.target;
    const a = call.args;
    const o1 = a[1];
    const bad = (what: string): Out => ({
      engineOnly: `${what} is not representable in the uapi (${e.errno ?? 'ok'})`,
    });

    switch (e.op) {
      case 'lab.open': {
        const owner = procName(prop(a[0], 'process'), 'p0');
        if (failed)
          return { engineOnly: `open failed in the engine (${e.errno}): no kernel process to open from` };
        if (dead(procInfo(owner), e.seq)) return { engineOnly: `${owner} has exited` };
        return {
          text: `${call.created?.name} = open at=${owner}`,
          expect: ok(),
          facts: { creates: 'iommufd' },
        };
      }
      case 'lab.checkRefs':
      case 'lab.pinCount': {
        const isCount = e.op === 'lab.pinCount';
        const p = procName(prop(isCount ? a[1] : a[3], 'process'), 'p0');
        const u = uint(a[0]);
        if (u === null) return bad('uptr');
        if (dead(procInfo(p), e.seq)) return { engineOnly: `${p} has exited` };
        if (isCount) {
          if (failed) return { engineOnly: `pinCount failed in the engine (${e.errno})` };
          const page = Number(u) - (Number(u) % PAGE);
          return {
            text: `check_refs fz ${u64(page)} ${PAGE} ${String(call.result)} at=${p}`,
            expect: ok(),
            facts: { hugeBacked: hugeBacked(p, page, PAGE) },
          };
        }
        const len = uint(a[1]);
        const refs = uint(a[2]);
        if (len === null || refs === null) return bad('length or refs');
        return {
          text: `check_refs fz ${u64(Number(u))} ${u64(Number(len))} ${refs} at=${p}`,
          expect: expectEnd(),
          facts: { hugeBacked: hugeBacked(p, Number(u), Number(len)) },
        };
      }
      case 'lab.setTempMemoryLimit': {
        const b = uint(a[0]);
        if (b === null || Number(b) > 0xffffffff) return bad('bytes');
        setTempLimit = true;
        return { text: `temp_memory_limit fz ${b} at=p0`, expect: expectEnd() };
      }
    }

    // object ops
    if (t.kind !== 'machine' && t.kind !== 'process') {
      const ctxObj = rec.objects.find((x) => x.name === t.ctx);
      if (ctxObj && dead(ctxObj, e.seq) && e.op !== 'iommufd.close')
        return {
          engineOnly: `its context ${t.ctx} is closed: the fd is gone, no kernel call names the object`,
        };
    }
    const at = (p: unknown): string => procName(p, t.kind === 'process' ? t.name : t.owner);
    const stale = staleFact(t, e.seq);
    const facts: LineFacts = stale !== undefined ? { stale } : {};
    const aliveAt = (p: string): boolean => !dead(procInfo(p), e.seq);

    switch (e.op) {
      // ---------------------------------------------------------- process
      case 'process.mmap': {
        if (dead(t, e.seq)) return { engineOnly: `${t.name} has exited` };
        if (failed) return { engineOnly: `mmap failed in the engine (${e.errno}): no address to replay at` };
        const len = uint(a[0]);
        const addr = uint(call.result);
        if (len === null || addr === null) return bad('length');
        const o = a[1];
        const flags: string[] = [];
        if (prop(o, 'shared') === true) flags.push('shared');
        const h = prop(o, 'hugetlb');
        if (h === '2M' || h === '1G') flags.push(`hugetlb=${h}`);
        if (prop(o, 'thp') === true) flags.push('thp');
        // a captured layout's pages are present from the start: populate (the kernel places its own frames)
        if (prop(o, 'populate') === true || prop(o, 'layout') !== undefined) flags.push('populate');
        if (prop(o, 'file') === true) flags.push('file');
        if (prop(o, 'readOnly') === true) flags.push('ro');
        mappings.push({
          addr: Number(addr),
          len: Number(len),
          huge: h !== undefined || prop(o, 'thp') === true,
          process: t.name,
        });
        return {
          text: `mmap ${u64(Number(addr))} ${u64(Number(len))}${flags.map((f) => ` ${f}`).join('')} at=${t.name}`,
          expect: ok([num(addr, 'address')]),
        };
      }
      case 'process.munmap':
      case 'process.read':
      case 'process.write':
      case 'process.fork':
      case 'process.exit':
      case 'process.accounting': {
        if (dead(t, e.seq)) return { engineOnly: `${t.name} has exited: no kernel process makes the call` };
        const at0 = `at=${t.name}`;
        if (e.op === 'process.fork') {
          if (failed) return { engineOnly: `fork failed in the engine (${e.errno})` };
          return { text: `${call.created?.name} = fork ${at0}`, expect: ok(), facts: { creates: 'process' } };
        }
        if (e.op === 'process.exit') return { text: `exit ${at0}`, expect: expectEnd() };
        if (e.op === 'process.accounting') {
          const r = call.result;
          const lk = prop(r, 'mmLockedVm');
          const pn = prop(r, 'mmPinnedVm');
          return {
            text: `accounting ${at0}`,
            expect: failed
              ? expectEnd()
              : ok([], {
                  locked: num(dec(Number(lk) * PAGE), 'mm locked_vm (VmLck) bytes'),
                  pinned: num(dec(Number(pn) * PAGE), 'mm pinned_vm (VmPin) bytes'),
                }),
          };
        }
        const u = uint(a[0]);
        if (u === null) return bad('uptr');
        if (e.op === 'process.write') {
          const hex = bytesArg(o1);
          if (hex === null) return bad('data');
          return { text: `write ${u64(Number(u))} ${hex} ${at0}`, expect: expectEnd() };
        }
        const len = uint(o1);
        if (len === null) return bad('length');
        if (e.op === 'process.munmap')
          return { text: `munmap ${u64(Number(u))} ${u64(Number(len))} ${at0}`, expect: expectEnd() };
        const rd = readValue(call.result, Number(len));
        return {
          text: `read ${u64(Number(u))} ${len}${rd.flag} ${at0}`,
          expect: failed || rd.v === null ? expectEnd() : ok([{ kind: 'hex', v: rd.v, what: rd.what }]),
        };
      }
      // ---------------------------------------------------------- iommufd
      case 'iommufd.ioasAlloc': {
        const name = call.created?.name;
        return {
          text: `${name !== undefined ? `${name} = ` : ''}ioas_alloc ${t.name} at=${t.owner}`,
          expect: failed ? expectEnd() : ok([num(dec(call.created?.id ?? -1), 'IOAS id')]),
          facts: { creates: 'ioas' },
        };
      }
      case 'iommufd.getOption':
      case 'iommufd.setOption': {
        if (a[0] !== 'RLIMIT_MODE') return bad('option name');
        if (e.op === 'iommufd.getOption')
          return {
            text: `fd_option ${t.name} RLIMIT_MODE at=${t.owner}`,
            expect: failed ? expectEnd() : ok([num(String(call.result), 'RLIMIT_MODE')]),
          };
        const v = uint(o1);
        if (v === null) return bad('value');
        return { text: `fd_option ${t.name} RLIMIT_MODE ${v} at=${t.owner}`, expect: expectEnd() };
      }
      case 'iommufd.createAccess': {
        const ioasName = call.created?.ioas ?? rec.objectOf(a[0])?.name;
        if (ioasName === undefined)
          return {
            engineOnly: `createAccess failed in the engine (${e.errno}): its IOAS is not known by name`,
          };
        const flags: string[] = [];
        if (prop(o1, 'needsPinPages') === true) flags.push('needs_pin');
        const um = prop(o1, 'onUnmap');
        if (um === 'unpin' || um === 'ignore') flags.push(`unmap=${um}`);
        const name = call.created?.name;
        return {
          text: `${name !== undefined ? `${name} = ` : ''}access_create ${t.name} ${ioasName}${flags.map((f) => ` ${f}`).join('')} at=${t.owner}`,
          expect: failed ? expectEnd() : ok([num(dec(call.created?.id ?? -1), 'access id')]),
          facts: { creates: 'access' },
        };
      }
      case 'iommufd.close':
        return { text: `close ${t.name} at=${t.owner}`, expect: expectEnd() };
      // ---------------------------------------------------------- ioas
      case 'ioas.map':
      case 'ioas.copyFrom': {
        const isCopy = e.op === 'ioas.copyFrom';
        const o = isCopy ? a[3] : a[2];
        const p = at(prop(o, 'process'));
        if (!aliveAt(p)) return { engineOnly: `${p} has exited: no kernel process makes the call` };
        const flags: string[] = [];
        const iova = prop(o, 'iova');
        if (iova !== undefined) {
          const x = u64(iova);
          if (x === null) return bad('opts.iova');
          flags.push(`iova=${x}`);
        }
        if (prop(o, 'read') !== false) flags.push('read');
        if (prop(o, 'write') !== false) flags.push('write');
        const len = u64(isCopy ? a[2] : o1);
        if (len === null) return bad('length');
        let head: string;
        if (isCopy) {
          const src = rec.objectOf(a[0]);
          const srcIova = u64(o1);
          if (!src || srcIova === null) return bad('src');
          head = `copy ${t.ctx} ${t.name} ${src.name} ${srcIova} ${len}`;
        } else {
          const u = uint(a[0]);
          if (u === null) return bad('uptr');
          head = `map ${t.ctx} ${t.name} ${u64(Number(u))} ${len}`;
        }
        const r = failed ? null : u64(call.result);
        return {
          text: `${head}${flags.map((f) => ` ${f}`).join('')} at=${p}`,
          expect: failed || r === null ? expectEnd() : ok([num(r, 'IOVA')]),
          facts,
        };
      }
      case 'ioas.unmap': {
        const iova = u64(a[0]);
        const len = u64(o1);
        if (iova === null || len === null) return bad('iova or length');
        const r = failed ? null : u64(call.result);
        return {
          text: `unmap ${t.ctx} ${t.name} ${iova} ${len} at=${t.owner}`,
          expect: failed || r === null ? expectEnd() : ok([num(r, 'bytes unmapped')]),
          facts,
        };
      }
      case 'ioas.iovaRanges': {
        let cap = '';
        if (a.length > 0 && a[0] !== undefined) {
          const c = uint(a[0]);
          if (c === null || Number(c) > 0xffffffff) return bad('capacity');
          cap = ` capacity=${c}`;
        }
        const r = call.result;
        const ranges = prop(r, 'ranges');
        const keys: Record<string, ExpectValue> = {};
        if (!failed && Array.isArray(ranges)) {
          keys.alignment = num(String(prop(r, 'alignment')), 'alignment');
          keys.ranges = {
            kind: 'ranges',
            v:
              ranges.length === 0
                ? '-'
                : ranges.map((x) => `${String(prop(x, 'start'))}-${String(prop(x, 'last'))}`).join(','),
            what: 'allowed IOVA ranges',
          };
        }
        return {
          text: `iova_ranges ${t.ctx} ${t.name}${cap} at=${t.owner}`,
          expect: expectEnd([], keys),
          facts,
        };
      }
      case 'ioas.allowIovas': {
        if (!Array.isArray(a[0])) return bad('ranges');
        const parts: string[] = [];
        for (const x of a[0] as unknown[]) {
          const s = u64(prop(x, 'start'));
          const l = u64(prop(x, 'last'));
          if (s === null || l === null) return bad('ranges');
          parts.push(`${s}-${l}`);
        }
        return {
          text: `allow_iovas ${t.ctx} ${t.name} ${parts.length === 0 ? '-' : parts.join(',')} at=${t.owner}`,
          expect: expectEnd(),
          facts,
        };
      }
      case 'ioas.addReserved': {
        const s = u64(a[0]);
        const l = u64(o1);
        if (s === null || l === null) return bad('start or length');
        return {
          text: `add_reserved ${t.ctx} ${t.name} ${s} ${l} at=${t.owner}`,
          expect: expectEnd(),
          facts,
        };
      }
      case 'ioas.getOption':
      case 'ioas.setOption': {
        if (a[0] !== 'HUGE_PAGES') return bad('option name');
        if (e.op === 'ioas.getOption')
          return {
            text: `ioas_option ${t.ctx} ${t.name} HUGE_PAGES at=${t.owner}`,
            expect: failed ? expectEnd() : ok([num(String(call.result), 'HUGE_PAGES')]),
            facts,
          };
        const v = uint(o1);
        if (v === null) return bad('value');
        return {
          text: `ioas_option ${t.ctx} ${t.name} HUGE_PAGES ${v} at=${t.owner}`,
          expect: expectEnd(),
          facts,
        };
      }
      case 'ioas.attachDomain': {
        const kind = prop(a[0], 'kind');
        if (kind === 'pagetable' && opts.pagetableTwin !== true)
          return { engineOnly: 'a pagetable domain (the replay uses the mock twin)' };
        const d = call.created;
        return {
          text: `${d !== undefined ? `${d.name} = ` : ''}mock_domain ${t.ctx} ${t.name} at=${t.owner}`,
          expect: failed
            ? expectEnd()
            : ok([null], {
                hwpt: num(dec(d?.id ?? -1), 'domain (hw_pagetable) id'),
                stdev: num(dec(d?.deviceId ?? -1), 'selftest device id'),
                idev: num(dec(d?.idevId ?? -1), 'iommufd_device id'),
              }),
          facts: { ...facts, creates: 'domain' },
        };
      }
      case 'ioas.destroy':
        return { text: `destroy ${t.ctx} ${t.name} at=${t.owner}`, expect: expectEnd(), facts };
      // ---------------------------------------------------------- domain
      case 'domain.checkMap': {
        const p = at(prop(a[3], 'process'));
        if (!aliveAt(p)) return { engineOnly: `${p} has exited` };
        const iova = u64(a[0]);
        const len = u64(o1);
        const u = uint(a[2]);
        if (iova === null || len === null || u === null) return bad('iova, length or uptr');
        return {
          text: `check_map ${t.ctx} ${t.name} ${iova} ${len} ${u64(Number(u))} at=${p}`,
          expect: expectEnd(),
          facts,
        };
      }
      case 'domain.iovaToPhys': {
        if (failed) return { engineOnly: `iovaToPhys failed in the engine (${e.errno})` };
        const iova = u64(a[0]);
        if (iova === null) return bad('iova');
        if (call.result === null)
          return { text: `check_unmapped ${t.ctx} ${t.name} ${iova} at=${t.owner}`, expect: ok(), facts };
        const src = call.source;
        if (!src) return { engineOnly: 'the user address behind the IOVA is unknown (not the real engine)' };
        const at0 = BigInt(iova);
        const off = Number(at0 % BigInt(MOCK_IO_PAGE));
        const u0 = src.uptr - off;
        if (u0 % MOCK_IO_PAGE !== 0)
          return {
            engineOnly: `MD_CHECK_MAP cannot express it: the user address 0x${src.uptr.toString(16)} is not congruent to the IOVA modulo the mock IO page`,
          };
        if (!aliveAt(src.process)) return { engineOnly: `the pages' process ${src.process} has exited` };
        return {
          text: `check_map ${t.ctx} ${t.name} ${u64(at0 - BigInt(off))} ${MOCK_IO_PAGE} ${u64(u0)} at=${src.process}`,
          expect: ok(),
          facts,
        };
      }
      case 'domain.detach':
        return { text: `detach ${t.ctx} ${t.name} at=${t.owner}`, expect: expectEnd(), facts };
      // ---------------------------------------------------------- access
      case 'access.pin': {
        const iova = u64(a[0]);
        const len = u64(o1);
        if (iova === null || len === null) return bad('iova or length');
        const o = a[2];
        const flags: string[] = [];
        if (prop(o, 'write') === true) flags.push('write');
        const up = prop(o, 'uptr');
        if (up !== undefined) {
          const u = uint(up);
          if (u === null) return bad('opts.uptr');
          flags.push(`uptr=${u64(Number(u))}`);
        }
        const it = call.item;
        return {
          text: `${it !== undefined ? `${it.name} = ` : ''}access_pin ${t.name} ${iova} ${len}${flags.map((f) => ` ${f}`).join('')} at=${t.owner}`,
          expect: failed ? expectEnd() : ok([num(dec(it?.id ?? -1), 'access item id')]),
          facts: { ...facts, creates: 'item' },
        };
      }
      case 'access.unpin': {
        const item = itemNameOf(rec, t.name, a[0]);
        if (item === '') return { engineOnly: `unpin of an item id no pin of ${t.name} returned` };
        return { text: `access_unpin ${t.name} ${item} at=${t.owner}`, expect: expectEnd(), facts };
      }
      case 'access.read':
      case 'access.write': {
        const iova = u64(a[0]);
        if (iova === null) return bad('iova');
        const slow = prop(a[2], 'slowPath') === true ? ' slow' : '';
        if (e.op === 'access.write') {
          const hex = bytesArg(o1);
          if (hex === null) return bad('data');
          return {
            text: `access_write ${t.name} ${iova} ${hex}${slow} at=${t.owner}`,
            expect: expectEnd(),
            facts,
          };
        }
        const len = uint(o1);
        if (len === null) return bad('length');
        const rd = readValue(call.result, Number(len));
        return {
          text: `access_read ${t.name} ${iova} ${len}${slow}${rd.flag} at=${t.owner}`,
          expect: failed || rd.v === null ? expectEnd() : ok([{ kind: 'hex', v: rd.v, what: rd.what }]),
          facts,
        };
      }
      case 'access.close':
        return { text: `access_close ${t.name} at=${t.owner}`, expect: expectEnd(), facts };
      default:
        return { engineOnly: `no kernel counterpart for ${e.op}` };
    }
  };

  let stoppedAt: Translation['stoppedAt'];
  for (const e of events) {
    const call = rec.calls.get(e.seq);
    const stop = stopReason(e, call, rec) ?? sharedDomainStop(e, call, rec, opts);
    if (stop !== null) {
      stoppedAt = { seq: e.seq, line: e.line, reason: stop };
      break;
    }
    const out = one(e, call);
    if ('engineOnly' in out) {
      engineOnly.push({ event: e.seq, op: e.op, why: out.engineOnly });
      continue;
    }
    const seq = e.seq + k;
    lines.push({
      seq,
      event: e.seq,
      op: e.op,
      text: `${seq} ${out.text}`,
      expect: out.expect,
      facts: out.facts ?? {},
    });
  }
  const last = (events.at(-1)?.seq ?? 0) + k;
  if (setTempLimit)
    lines.push({
      seq: last + 1,
      event: 0,
      op: 'postamble',
      text: `${last + 1} temp_memory_limit fz 65536 at=p0`,
      expect: null,
      facts: {},
    });
  // the hugetlb pools the engine ran with (lab.configure), for the runner's boot
  const conf = events.find((e) => e.op === 'lab.configure' && e.errno === undefined);
  const confArg = conf ? rec.calls.get(conf.seq)?.args[0] : undefined;
  const h2 = prop(confArg, 'hugetlbPages2M');
  const h1 = prop(confArg, 'hugetlbPages1G');
  const header = [
    'pfnlab-oracle-script 1',
    `# pfnlab-oracle hugepages-2M=${typeof h2 === 'number' ? h2 : 64} hugepages-1G=${typeof h1 === 'number' ? h1 : 0}`,
    `# ${events.length} timeline events; SEQ = timeline seq + ${k} (lines 1-${k}: the translator's preamble)`,
  ];
  const sent = lines.some((l) => l.event > 0);
  if (stoppedAt !== undefined && !sent) reason = stoppedAt.reason;
  else if (!sent) reason = 'no operation of the scenario has a kernel counterpart';
  const tr: Translation = {
    runnable: reason === undefined,
    text: `${[...header, ...lines.map((l) => l.text)].join('\n')}\n`,
    lines,
    engineOnly,
    events: events.length,
  };
  if (reason !== undefined) tr.reason = reason;
  if (stoppedAt !== undefined) tr.stoppedAt = stoppedAt;
  return tr;
}

/**
 * 6.12's IOMMU_TEST_OP_MOCK_DOMAIN attaches through iommufd_device_attach,
 * which reuses the IOAS's auto domain: a second live mock domain on one IOAS
 * would be the first one's hwpt, and every later id would differ.
 */
function sharedDomainStop(
  e: TimelineEvent,
  call: RecordedCall | undefined,
  rec: Recording,
  opts: TranslateOptions,
): string | null {
  if ((opts.ownDomainPerDevice ?? DRIVER_OWN_DOMAIN_PER_DEVICE) || e.op !== 'ioas.attachDomain') return null;
  const ioas = call?.target.name;
  const live = rec.objects.find(
    (o) =>
      o.kind === 'domain' &&
      o.ioas === ioas &&
      o.ctx === call?.target.ctx &&
      o.createdAt < e.seq &&
      (o.destroyedAt === undefined || o.destroyedAt > e.seq),
  );
  if (!live) return null;
  return `a second mock domain on ${ioas ?? 'an IOAS'} at line ${e.line} (${live.name} is live): 6.12's selftest device joins the IOAS's auto domain instead of getting its own (docs/kernel-differences.md#shared-auto-domains)`;
}

/** Strategies whose observable results are iommufd's (the batch API changes driver calls only). */
const KERNEL_STRATEGIES = new Set(['iommufd', 'iommufd+batch-api']);

/**
 * Why the replay cannot go past this event (the kernel state would no
 * longer be the engine's), or null. The ops before it are still replayed.
 */
function stopReason(e: TimelineEvent, call: RecordedCall | undefined, rec?: Recording): string | null {
  const nr = NOT_RUNNABLE_OPS[e.op];
  if (nr !== undefined) return `${e.op} at line ${e.line}: ${nr}`;
  if (e.errno === 'EINTERNAL')
    return `the engine failed internally at seq ${e.seq} (${e.op}): ${e.message ?? ''}`;
  if (e.op === 'lab.configure' && e.errno === undefined) {
    const st = prop(call?.args[0], 'strategy');
    if (st !== undefined && !KERNEL_STRATEGIES.has(String(st)))
      return `lab.configure at line ${e.line} selects the storage strategy '${String(st)}': the kernel is iommufd`;
  }
  if (e.op === 'process.exit' && call && rec) {
    const owned = rec.objects.find(
      (o) =>
        o.kind === 'iommufd' &&
        o.owner === call.target.name &&
        o.createdAt < e.seq &&
        (o.destroyedAt === undefined || o.destroyedAt > e.seq),
    );
    if (owned)
      return `${call.target.name} exits at line ${e.line} with its context ${owned.name} open: the kernel closes a process's fds at exit (the context goes unless another process holds the fd), the engine keeps a context whose owner exited`;
  }
  if (e.op === 'iommufd.createAccess' && prop(call?.args[1], 'onUnmap') === 'ignore')
    return `createAccess({ onUnmap: 'ignore' }) at line ${e.line}: the selftest's access driver always unpins on unmap (no kernel counterpart)`;
  return null;
}

/**
 * How a read's result is compared: byte for byte up to HASH_READS_OVER
 * bytes, longer reads by the driver's per-4 KiB hashes (`hash`), which keep
 * the guest's serial output small and still name the 4 KiB that differs.
 */
function readValue(result: unknown, len: number): { flag: string; v: string | null; what: string } {
  if (len <= HASH_READS_OVER) return { flag: '', v: bytesHex(result), what: 'bytes' };
  return {
    flag: ' hash',
    v: result instanceof Uint8Array ? bytesHash(result) : null,
    what: 'bytes (FNV-1a 64 per 4 KiB)',
  };
}
