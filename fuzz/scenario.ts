/**
 * A (shrunk) op sequence as a scenario file using the `lab` API: the same
 * machine, the same calls, each agreed result asserted (errnos with
 * expectErrno, auto IOVAs and item ids with expectEq), and at the diverging op
 * the model's expectation, so the scenario throws there with a message naming
 * the op (`fuzz op #i …`). Run it with `pfnlab run FILE --check`.
 */
import { FUZZ_MACHINE } from './engine-driver';
import { PAGE, type Call, type Op, type Outcome } from './ops';
import type { Divergence, Step } from './run';

const hex = (x: bigint | number): string => '0x' + x.toString(16);
const big = (x: bigint | number): string => `${hex(x)}n`;

const PRELUDE = `function expectEq(what: string, actual: unknown, expected: unknown): void {
  if (actual !== expected) throw new Error(\`\${what}: expected \${String(expected)}, got \${String(actual)}\`);
}
function expectErrno(what: string, errnos: string[], fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    const errno = (e as { errno?: string }).errno ?? String(e);
    if (!errnos.includes(errno)) throw new Error(\`\${what}: expected \${errnos.join(' or ')}, got \${errno}\`);
    return;
  }
  throw new Error(\`\${what}: expected \${errnos.join(' or ')}, the call succeeded\`);
}
function expectOk<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new Error(\`\${what}: expected success, got \${(e as { errno?: string }).errno ?? String(e)}\`);
  }
}
function digest(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193) >>> 0;
  return h;
}
function rangesDigest(r: { ranges: { start: bigint; last: bigint }[]; alignment: bigint }): number {
  const t = r.ranges.map((x) => x.start.toString(16) + '-' + x.last.toString(16)).join(',') + '@' + r.alignment.toString(16);
  return digest(Uint8Array.from(t, (ch) => ch.charCodeAt(0)));
}
function expectMapped(d: Domain, iova: bigint): void {
  if (d.iovaToPhys(iova) === null) throw new Error(\`iova 0x\${iova.toString(16)} of domain \${d.id} is not mapped\`);
}
`;

interface Names {
  regions: number;
  ioas: number;
  domains: number;
  accesses: number;
  children: number;
}

const who = (child: number | null): string => (child === null ? 'p' : `child${child}`);

/** The expression of one call, and the variable it creates (if it succeeds). */
function callExpr(op: Op, c: Call, n: Names): { expr: string; creates?: string } {
  const inner = op.k === 'inject' ? op.op : op;
  const uptr = (): string => {
    const o = inner as { region: number; off: number };
    return `r${o.region} + ${o.off * PAGE}`;
  };
  switch (c.k) {
    case 'mmap': {
      const o: string[] = [];
      if (c.thp) o.push('thp: true', `align: lab.HUGEPAGE_SIZE`);
      if (c.populate) o.push('populate: true');
      if (c.shared) o.push('shared: true');
      return {
        expr: `p.mmap(${c.length}${o.length ? `, { ${o.join(', ')} }` : ''})`,
        creates: `r${n.regions}`,
      };
    }
    case 'munmap':
      return { expr: `p.munmap(${uptr()}, ${c.length})` };
    case 'touch':
      return { expr: `${who(c.child)}.write(${uptr()}, new Uint8Array(${c.length}).fill(${c.v}))` };
    case 'pread':
      return {
        expr: `digest(${who(c.child)}.read(${uptr()} + ${(inner as { byteOff: number }).byteOff}, ${c.length}))`,
      };
    case 'fork':
      return { expr: 'p.fork()', creates: `child${n.children}` };
    case 'exit':
      return { expr: `child${c.child}.exit()` };
    case 'rw':
      return c.v === 0
        ? {
            expr: `digest(acc${c.access}.read(${big(c.iova)}, ${c.length}${c.slow ? ', { slowPath: true }' : ''}))`,
          }
        : {
            expr: `acc${c.access}.write(${big(c.iova)}, new Uint8Array(${c.length}).fill(${c.v})${c.slow ? ', { slowPath: true }' : ''})`,
          };
    case 'ioasAlloc':
      return { expr: `fd.ioasAlloc()`, creates: `ioas${n.ioas}` };
    case 'ioasDestroy':
      return { expr: `ioas${c.ioas}.destroy()` };
    case 'map': {
      const o: string[] = [];
      if (c.iova !== null) o.push(`iova: ${big(c.iova)}`);
      if (!c.write) o.push('write: false');
      return { expr: `ioas${c.ioas}.map(${uptr()}, ${c.length}${o.length ? `, { ${o.join(', ')} }` : ''})` };
    }
    case 'unmap':
      return { expr: `ioas${c.ioas}.unmap(${big(c.iova)}, ${big(c.length)})` };
    case 'copy':
      return {
        expr: `ioas${c.dst}.copyFrom(ioas${c.src}, ${big(c.srcIova)}, ${c.length}${c.iova !== null ? `, { iova: ${big(c.iova)} }` : ''})`,
      };
    case 'allow':
      return {
        expr: `ioas${c.ioas}.allowIovas([${c.ranges.map((r) => `{ start: ${big(r.start)}, last: ${big(r.last)} }`).join(', ')}])`,
      };
    case 'reserve':
      return { expr: `ioas${c.ioas}.addReserved(${big(c.start)}, ${big(c.length)})` };
    case 'hugePages':
      return { expr: `ioas${c.ioas}.setOption('HUGE_PAGES', ${c.value})` };
    case 'attach': {
      const o: string[] = [];
      if (c.kind === 'pagetable') o.push(`kind: 'pagetable'`, `format: '${c.format}'`);
      if (c.batch) o.push('batchApi: true');
      return {
        expr: `ioas${c.ioas}.attachDomain(${o.length ? `{ ${o.join(', ')} }` : ''})`,
        creates: `dom${n.domains}`,
      };
    }
    case 'detach':
      return { expr: `dom${c.domain}.detach()` };
    case 'accessCreate':
      return {
        expr: `fd.createAccess(ioas${c.ioas}, { needsPinPages: ${c.needsPin}, onUnmap: '${c.onUnmap}' })`,
        creates: `acc${n.accesses}`,
      };
    case 'pin':
      return { expr: `acc${c.access}.pin(${big(c.iova)}, ${c.length}, { write: ${c.write} }).id` };
    case 'unpin':
      return { expr: `acc${c.access}.unpin(${c.itemId})` };
    case 'accessClose':
      return { expr: `acc${c.access}.close()` };
    case 'tempLimit':
      return { expr: `lab.setTempMemoryLimit(${c.bytes})` };
    case 'rlimitMode':
      return { expr: `fd.setOption('RLIMIT_MODE', ${c.value})` };
    case 'capIpcLock':
      return { expr: `p.capIpcLock = ${c.value}` };
    case 'ranges':
      return { expr: `rangesDigest(ioas${c.ioas}.iovaRanges())` };
    case 'memlock':
      return { expr: `p.memlockLimit = ${c.bytes === Infinity ? 'Infinity' : c.bytes}` };
  }
}

function count(c: Call, n: Names): void {
  if (c.k === 'mmap') n.regions++;
  else if (c.k === 'ioasAlloc') n.ioas++;
  else if (c.k === 'attach') n.domains++;
  else if (c.k === 'accessCreate') n.accesses++;
  else if (c.k === 'fork') n.children++;
}

function valueOf(o: Outcome): string | null {
  if (!o.ok || o.value === undefined) return null;
  return typeof o.value === 'bigint' ? big(o.value) : String(o.value);
}

export interface ScenarioInfo {
  seed: number;
  title: string;
}

export function writeScenario(
  ops: readonly Op[],
  steps: readonly Step[],
  div: Divergence | null,
  info: ScenarioInfo,
): string {
  const L: string[] = [];
  L.push('/// <reference path="../../engine/scenario/api/lab.d.ts" />');
  L.push('/*');
  L.push(` * ${info.title}`);
  L.push(
    ` * Written by the differential fuzzer (fuzz/): seed ${info.seed}, ${ops.length} op(s) after shrinking.`,
  );
  if (div) {
    L.push(` * First diverging op: #${div.index} ${div.op ? JSON.stringify(div.op) : '(teardown)'}`);
    L.push(` *   engine: ${div.engine.split('\n')[0]}`);
    L.push(` *   model:  ${div.model.split('\n')[0]}`);
  } else L.push(' * The whole sequence, each result the engine and the model agreed on asserted.');
  L.push(' */');
  L.push(
    `lab.configure({ physicalMemory: ${FUZZ_MACHINE.physicalMemory}, hugetlbPages2M: ${FUZZ_MACHINE.hugetlbPages2M}, seed: ${info.seed} });`,
  );
  L.push(PRELUDE);
  L.push('const p = lab.process;');
  L.push('const fd = lab.open();');
  const n: Names = { regions: 0, ioas: 0, domains: 0, accesses: 0, children: 0 };
  const last = div ? Math.min(div.index, ops.length - 1) : ops.length - 1;
  for (let i = 0; i <= last; i++) {
    const st = steps[i];
    const op = ops[i];
    if (!st || st.call === null || st.outcome === null) {
      L.push(`// #${i} ${JSON.stringify(op)}: skipped (names an object that does not exist)`);
      continue;
    }
    const c = st.call;
    const o = st.outcome;
    const { expr, creates } = callExpr(op, c, n);
    const what = `fuzz op #${i} ${JSON.stringify(op).replace(/'/g, '"')}`;
    const diverges = div !== null && i === div.index;
    L.push(`// #${i} ${JSON.stringify(op)}`);
    const decl = creates ? `const ${creates} = ` : '';
    if (op.k === 'inject') L.push(`lab.failNth(${op.n});`);
    if (diverges && div.kind === 'result') {
      const e = div.expected;
      if (e && 'errnos' in e) L.push(`expectErrno('${what}', ${JSON.stringify(e.errnos)}, () => ${expr});`);
      else if (e && e.value !== undefined)
        L.push(
          `expectEq('${what}', expectOk('${what}', () => ${expr}), ${typeof e.value === 'bigint' ? big(e.value) : e.value});`,
        );
      else
        L.push(
          `${decl}expectOk('${what}', () => ${expr}); // model: ${div.model.split('\n')[0].replace(/\*\//g, '')}`,
        );
      if (o.ok && creates) count(c, n);
      break;
    }
    if (op.k === 'inject') {
      // a name only for an object the run created: a failed creator made none, and the next
      // creator of that kind takes the same name (declaring it here too was a duplicate declaration)
      const made = o.ok && creates !== undefined;
      if (made) {
        const type = c.k === 'ioasAlloc' ? 'Ioas' : c.k === 'attach' ? 'Domain' : 'Access';
        L.push(`let ${creates}!: ${type};`);
      }
      const assign = made ? `${creates} = ` : '';
      // the fault fired (any errno), or the call failed as it did in the run without it
      const also = o.ok ? '' : ` && (e as { errno?: string }).errno !== '${o.errno}'`;
      L.push(`try {\n  ${assign}${expr};\n} catch (e) {\n  if (!lab.faultConsumed()${also}) throw e;\n}`);
      L.push('lab.faultConsumed();');
    } else if (!o.ok) L.push(`expectErrno('${what}', ['${o.errno}'], () => ${expr});`);
    else {
      const v = valueOf(o);
      const autoValue = v !== null && ['map', 'copy', 'pin', 'unmap', 'pread', 'rw', 'ranges'].includes(c.k);
      if (autoValue) L.push(`expectEq('${what}', ${expr}, ${v});`);
      else L.push(`${decl}${expr};`);
    }
    if (o.ok) count(c, n);
    if (diverges) {
      L.push(
        `// the engine and the model disagree here (${div.kind}): ${div.engine.split('\n')[0].replace(/\*\//g, '')}`,
      );
      L.push(div.check || 'lab.checkInvariants();');
    }
  }
  if (div?.kind === 'teardown') L.push(div.check);
  return L.join('\n') + '\n';
}
