/**
 * Bad arguments for every member of the scenario API (api-surface.ts), as
 * scenario source expressions evaluated against the fixture below, and what
 * each must give:
 *
 * - `type`: the wrong type or an invalid value (negative, fractional, NaN,
 *   Infinity, a bigint where a number is declared, a numeric string, null,
 *   an object, an unknown or misspelled option key, …): EINVAL, with a
 *   message naming the argument or the option key;
 * - `gone`: an object already destroyed or from another context (a closed
 *   iommufd's Ioas, an exited process, an unpinned item): a LabError, any errno;
 * - `absurd`: a valid type but an absurd size (2^60, U64_MAX, a 64 MiB
 *   array): any LabError, or success — never an engine error, a hang or a
 *   crash.
 */
import type { Kind, Member, Param, Prop } from './api-surface';

export type CaseClass = 'type' | 'gone' | 'absurd';

export interface BadCase {
  member: Member;
  /** The call as scenario source. */
  call: string;
  cls: CaseClass;
  /** What the error message must name (case-insensitive), for `type` cases. */
  names: string;
  what: string;
}

/** The objects a case can use. `fresh`: nothing mapped yet (configure is EBUSY after the first mmap). */
export function fixture(fresh: boolean): string {
  const layout =
    '{ format: "pfnlab-layout", version: 1, pageSize: 4096, start: "0x7f0000000000", pages: 16, runs: [[0, 4096, 16, 1]] }';
  if (fresh)
    return `const P = lab.PAGE_SIZE; const layoutObj = ${layout}; const layoutText = JSON.stringify(layoutObj);\n`;
  return [
    'const P = lab.PAGE_SIZE;',
    `const layoutObj = ${layout}; const layoutText = JSON.stringify(layoutObj);`,
    'const buf = lab.process.mmap(64 * P, { populate: true });',
    'const fd = lab.open();',
    'const ioas = fd.ioasAlloc();',
    'const domain = ioas.attachDomain();',
    'const iova = ioas.map(buf, 16 * P);',
    'const access = fd.createAccess(ioas, { needsPinPages: true });',
    'const item = access.pin(iova, P);',
    'const spent = access.pin(iova, P); access.unpin(spent);',
    'const fd2 = lab.open(); const closedIoas = fd2.ioasAlloc(); fd2.close();',
    'const fd3 = lab.open(); const otherIoas = fd3.ioasAlloc();',
    'const child = lab.process.fork(); child.exit();',
    '',
  ].join('\n');
}

export const RECEIVER_EXPR: Record<Member['receiver'], string> = {
  Lab: 'lab',
  Process: 'lab.process',
  Iommufd: 'fd',
  Ioas: 'ioas',
  Domain: 'domain',
  Access: 'access',
};

/** A valid value for a parameter: by its name first (they mean the same across methods), else its kind. */
function valid(p: Param, m: Member): string {
  const byName: Record<string, string> = {
    uptr: 'buf',
    length: 'P',
    iova: 'iova',
    srcIova: 'iova',
    start: '0x100000000n',
    refs: '1',
    data: 'new Uint8Array(8)',
    capacity: '16',
    bytes: '65536',
    n: '1000000',
    value: m.receiver === 'Ioas' ? '1' : '0',
    src: 'ioas',
    ioas: 'ioas',
    item: 'item',
    source: 'layoutText',
  };
  const named = byName[p.name];
  if (named !== undefined) return named;
  return validOf(p.kind);
}

function validOf(k: Kind): string {
  switch (k.k) {
    case 'number':
      return '4096';
    case 'u64':
      return 'iova';
    case 'boolean':
      return 'false';
    case 'string':
      return '"x"';
    case 'enum':
      return JSON.stringify(k.values[0]);
    case 'bytes':
      return 'new Uint8Array(8)';
    case 'object':
      return k.name === 'Ioas' ? 'ioas' : 'lab.process';
    case 'item':
      return 'item';
    case 'fn':
      return '() => {}';
    case 'ranges':
      return '[]';
    case 'numbers':
      return '[4096]';
    case 'layout':
      return 'layoutText';
    case 'opts':
    case 'any':
    case 'unknown':
      return 'undefined';
  }
}

type Bad = [expr: string, cls: CaseClass];

/** Bad values of a kind; `name` is the parameter or option key (some values are valid for some names). */
export function badValues(k: Kind, name: string): Bad[] | null {
  switch (k.k) {
    case 'number': {
      const out: Bad[] = [
        ['-1', 'type'],
        ['0.5', 'type'],
        ['NaN', 'type'],
        ['-Infinity', 'type'],
        ['1n', 'type'],
        ['"4096"', 'type'],
        ['"abc"', 'type'],
        ['null', 'type'],
        ['({})', 'type'],
        ['[]', 'type'],
        ['true', 'type'],
        ['(() => 4096)', 'type'],
        ['Symbol("s")', 'type'],
        ['Number.MAX_SAFE_INTEGER', 'absurd'],
        ['2 ** 47', 'absurd'],
      ];
      // RLIMIT_MEMLOCK is Infinity by default and any integer is a limit
      if (name === 'memlockLimit') out.push(['Infinity', 'absurd'], ['2 ** 60', 'absurd']);
      else out.push(['Infinity', 'type'], ['2 ** 60', 'type']);
      // fragmentation is a fraction in [0, 1]; a seed is any number
      if (name === 'fragmentation') return out.filter(([e]) => e !== '0.5').concat([['1.5', 'type']]);
      if (name === 'seed') return out.map(([e, c]) => [e, e === '-1' || e === '0.5' ? 'absurd' : c]);
      // an option value is val64: a bigint is one
      if (name === 'value') return out.map(([e, c]) => [e, e === '1n' ? 'absurd' : c]);
      return out;
    }
    case 'u64':
      return [
        ['-1', 'type'],
        ['0.5', 'type'],
        ['NaN', 'type'],
        ['Infinity', 'type'],
        ['-1n', 'type'],
        ['2n ** 64n', 'type'],
        ['2 ** 60', 'type'],
        ['"4096"', 'type'],
        ['null', 'type'],
        ['({})', 'type'],
        ['true', 'type'],
        ['2n ** 60n', 'absurd'],
        ['lab.U64_MAX', 'absurd'],
        ['Number.MAX_SAFE_INTEGER', 'absurd'],
      ];
    case 'boolean':
      return [
        ['1', 'type'],
        ['"true"', 'type'],
        ['null', 'type'],
        ['({})', 'type'],
      ];
    case 'string':
      return [
        ['42', 'type'],
        ['null', 'type'],
        ['({})', 'type'],
        ['1n', 'type'],
        ['"x".repeat(1 << 22)', 'absurd'],
        ['"\\u0000\\ud800"', 'absurd'],
      ];
    case 'enum': {
      const v = k.values[0] as string;
      const lower = v.toLowerCase() === v ? `${v}X` : v.toLowerCase();
      return [
        [JSON.stringify(lower), 'type'],
        [JSON.stringify(`${v} `), 'type'],
        ['""', 'type'],
        ['42', 'type'],
        ['null', 'type'],
      ];
    }
    case 'bytes':
      return [
        ['[1, 2, 3]', 'type'],
        ['"abc"', 'type'],
        ['new Uint16Array(4)', 'type'],
        ['new ArrayBuffer(8)', 'type'],
        ['({ length: 8 })', 'type'],
        ['null', 'type'],
        ['42', 'type'],
        ['new Uint8Array(1 << 26)', 'absurd'],
        ['new Uint8Array(0)', 'absurd'],
      ];
    case 'object':
      return k.name === 'Ioas'
        ? [
            ['({ id: ioas.id })', 'type'],
            ['null', 'type'],
            ['42', 'type'],
            ['lab', 'type'],
            ['domain', 'type'],
            ['access', 'type'],
            ['closedIoas', 'gone'],
            ['otherIoas', 'gone'],
          ]
        : [
            ['({ pid: lab.process.pid })', 'type'],
            ['null', 'type'],
            ['42', 'type'],
            ['ioas', 'type'],
            ['child', 'gone'],
          ];
    case 'item':
      return [
        ['-1', 'gone'],
        ['0.5', 'type'],
        ['NaN', 'type'],
        ['"1"', 'type'],
        ['null', 'type'],
        ['({})', 'type'],
        ['({ id: item.id, iova: item.iova, length: item.length })', 'gone'],
        ['999999', 'gone'],
        ['spent', 'gone'],
        ['spent.id', 'gone'],
      ];
    case 'fn':
      return [
        ['42', 'type'],
        ['null', 'type'],
        ['"() => 1"', 'type'],
      ];
    case 'ranges':
      return [
        ['"x"', 'type'],
        ['42', 'type'],
        ['[null]', 'type'],
        ['[{ start: -1, last: 0 }]', 'type'],
        ['[{ start: 0 }]', 'type'],
        ['[{ start: 0.5, last: 4095 }]', 'type'],
        ['[{ start: 5n, last: 1n }]', 'type'],
        ['[{ start: 0x40000000n, last: 0x40000fffn, bogus: 1 }]', 'type'],
        ['({ length: 1, 0: { start: 0, last: 4095 } })', 'type'],
        [
          'Array.from({ length: 20000 }, (_, i) => ({ start: BigInt(i) * 8192n, last: BigInt(i) * 8192n + 4095n }))',
          'absurd',
        ],
      ];
    case 'numbers':
      return [
        ['[4096, -1]', 'type'],
        ['[0.5]', 'type'],
        ['[3]', 'type'],
        ['[null]', 'type'],
        ['"4096"', 'type'],
        ['4096', 'type'],
        ['[2 ** 60]', 'type'],
      ];
    case 'layout':
      return [
        ['"{"', 'type'],
        ['""', 'type'],
        ['"null"', 'type'],
        ['"\\u0000\\u0001"', 'type'],
        ['layoutText.slice(0, 40)', 'type'],
        ['({})', 'type'],
        ['42', 'type'],
        ['null', 'type'],
        ['({ ...layoutObj, pages: -1 })', 'type'],
        ['({ ...layoutObj, pages: 0.5 })', 'type'],
        ['({ ...layoutObj, runs: "x" })', 'type'],
        ['({ ...layoutObj, runs: [[0, 1, 2 ** 60, 1]] })', 'type'],
        ['({ ...layoutObj, runs: [[0, NaN, 1, 1]] })', 'type'],
        ['({ ...layoutObj, version: 99 })', 'type'],
        ['({ ...layoutObj, format: "x" })', 'type'],
        ['({ ...layoutObj, pageSize: 65536 })', 'type'],
        ['({ ...layoutObj, start: "zz" })', 'type'],
        ['({ ...layoutObj, pages: 2 ** 40, runs: [[2 ** 40 - 16, 4096, 16, 1]] })', 'absurd'],
      ];
    case 'opts':
    case 'any':
      return [];
    case 'unknown':
      return null;
  }
}

/** The words a `type` error's message must contain for a bad value of this kind (the layout's field). */
function layoutField(expr: string): string {
  const m = /\.\.\.layoutObj, (\w+):/.exec(expr);
  return m ? (m[1] as string) : 'layout';
}

function misspell(key: string): string {
  return key.toLowerCase() !== key ? key.toLowerCase() : `${key}s`;
}

/** The cases of one member: each parameter in turn bad, the others valid. */
export function casesOf(m: Member): BadCase[] | { unknown: string } {
  const recv = RECEIVER_EXPR[m.receiver];
  const out: BadCase[] = [];
  // the other required parameters valid, later optional ones left out
  const callWith = (i: number, expr: string): string => {
    if (m.setter) return `${recv}.${m.name} = ${expr}`;
    const args = m.params.map((p, j) => (j === i ? expr : j < i || !p.optional ? valid(p, m) : ''));
    while (args.length > 0 && args[args.length - 1] === '') args.pop();
    return `${recv}.${m.name}(${args.map((a) => a || 'undefined').join(', ')})`;
  };
  const push = (i: number, expr: string, cls: CaseClass, names: string, what: string): void => {
    out.push({ member: m, call: callWith(i, expr), cls, names, what });
  };
  // a required argument left out: the earlier ones valid, none from it on
  m.params.forEach((p, i) => {
    if (p.optional || p.rest || m.setter) return;
    const args = m.params.slice(0, i).map((q) => valid(q, m));
    out.push({
      member: m,
      call: `${recv}.${m.name}(${args.join(', ')})`,
      cls: 'type',
      names: p.kind.k === 'layout' ? 'layout' : p.name,
      what: `${p.name} missing`,
    });
  });
  for (let i = 0; i < m.params.length; i++) {
    const p = m.params[i] as Param;
    if (p.rest) continue;
    if (p.kind.k === 'opts') {
      for (const e of ['42', '"yes"', '[]', '(() => 1)', 'new Map()'])
        push(i, e, 'type', '', `${p.name} = ${e}`);
      push(i, '({ bogus: 1 })', 'type', 'bogus', `${p.name} with an unknown key`);
      for (const prop of p.kind.props) {
        const wrong = misspell(prop.name);
        push(
          i,
          `({ ${wrong}: ${validOf(prop.kind)} })`,
          'type',
          wrong,
          `${p.name}.${prop.name} misspelled ${wrong}`,
        );
        const bads = badValues(prop.kind, prop.name);
        if (bads === null)
          return { unknown: `${m.receiver}.${m.name}(${p.name}.${prop.name}): ${kindText(prop)}` };
        for (const [e, cls] of bads) {
          const names = prop.kind.k === 'layout' ? layoutField(e) : prop.name;
          push(i, `({ ${prop.name}: ${e} })`, cls, names, `${p.name}.${prop.name} = ${e}`);
        }
      }
      continue;
    }
    const bads = badValues(p.kind, p.name);
    if (bads === null) return { unknown: `${m.receiver}.${m.name}(${p.name}): ${kindText(p)}` };
    for (const [e, cls] of bads) {
      const names = p.kind.k === 'layout' ? layoutField(e) : p.name;
      push(i, e, cls, names, `${p.name} = ${e}`);
    }
  }
  return out;
}

function kindText(p: Prop): string {
  return p.kind.k === 'unknown' ? p.kind.text : p.kind.k;
}
