/**
 * The scenario API surface as engine/scenario/api/lab.d.ts declares it: every
 * method and settable property of `lab` and of the objects it hands out,
 * with each parameter's declared type reduced to a kind the bad-value table
 * (bad-values.ts) knows. Read with the TypeScript parser, so a method added
 * to lab.d.ts is covered by the bad-input suite without editing it, and a
 * parameter type the table does not know fails the suite until it does.
 */
import { readFileSync } from 'node:fs';
import ts from 'typescript';

export const LAB_DTS = new URL('../../engine/scenario/api/lab.d.ts', import.meta.url);

/** The interfaces whose members a scenario can call, and the object each is reached through. */
export const RECEIVERS = ['Lab', 'Process', 'Iommufd', 'Ioas', 'Domain', 'Access'] as const;
export type Receiver = (typeof RECEIVERS)[number];

export type Kind =
  | { k: 'number' }
  | { k: 'u64' }
  | { k: 'boolean' }
  | { k: 'string' }
  | { k: 'enum'; values: string[] }
  | { k: 'bytes' }
  | { k: 'object'; name: 'Ioas' | 'Process' }
  | { k: 'item' }
  | { k: 'fn' }
  | { k: 'ranges' }
  | { k: 'numbers' }
  | { k: 'layout' }
  | { k: 'opts'; props: Prop[] }
  | { k: 'any' }
  | { k: 'unknown'; text: string };

export interface Prop {
  name: string;
  kind: Kind;
}

export interface Param extends Prop {
  optional: boolean;
  rest: boolean;
}

export interface Member {
  receiver: Receiver;
  name: string;
  /** A settable property (`p.memlockLimit = v`) rather than a method. */
  setter: boolean;
  params: Param[];
}

function load(): {
  sf: ts.SourceFile;
  decls: Map<string, ts.InterfaceDeclaration | ts.TypeAliasDeclaration>;
} {
  const text = readFileSync(LAB_DTS, 'utf8');
  const sf = ts.createSourceFile('lab.d.ts', text, ts.ScriptTarget.ES2022, true);
  const decls = new Map<string, ts.InterfaceDeclaration | ts.TypeAliasDeclaration>();
  for (const s of sf.statements) {
    if (ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) decls.set(s.name.text, s);
  }
  return { sf, decls };
}

function propsOf(members: ts.NodeArray<ts.TypeElement>, ctx: ReturnType<typeof load>): Prop[] {
  const out: Prop[] = [];
  for (const m of members) {
    if (ts.isPropertySignature(m) && m.type && ts.isIdentifier(m.name)) {
      out.push({ name: m.name.text, kind: kindOf(m.type, ctx) });
    }
  }
  return out;
}

function kindOf(t: ts.TypeNode, ctx: ReturnType<typeof load>): Kind {
  const text = t.getText(ctx.sf).replace(/\s+/g, ' ');
  if (t.kind === ts.SyntaxKind.NumberKeyword) return { k: 'number' };
  if (t.kind === ts.SyntaxKind.BooleanKeyword) return { k: 'boolean' };
  if (t.kind === ts.SyntaxKind.StringKeyword) return { k: 'string' };
  if (t.kind === ts.SyntaxKind.UnknownKeyword) return { k: 'any' };
  if (text === 'U64') return { k: 'u64' };
  if (text === 'Uint8Array') return { k: 'bytes' };
  if (text === 'Ioas' || text === 'Process') return { k: 'object', name: text };
  if (text === 'AccessItem | number') return { k: 'item' };
  if (text === 'LayoutFile | string') return { k: 'layout' };
  if (text === 'number[]') return { k: 'numbers' };
  if (ts.isFunctionTypeNode(t)) return { k: 'fn' };
  if (ts.isArrayTypeNode(t) && ts.isTypeLiteralNode(t.elementType)) return { k: 'ranges' };
  if (
    ts.isUnionTypeNode(t) &&
    t.types.every((u) => ts.isLiteralTypeNode(u) && ts.isStringLiteral(u.literal))
  ) {
    return {
      k: 'enum',
      values: t.types.map((u) => ((u as ts.LiteralTypeNode).literal as ts.StringLiteral).text),
    };
  }
  if (ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal))
    return { k: 'enum', values: [t.literal.text] };
  if (ts.isTypeLiteralNode(t)) return { k: 'opts', props: propsOf(t.members, ctx) };
  if (ts.isTypeReferenceNode(t) && ts.isIdentifier(t.typeName)) {
    const d = ctx.decls.get(t.typeName.text);
    if (d && ts.isInterfaceDeclaration(d)) return { k: 'opts', props: propsOf(d.members, ctx) };
  }
  return { k: 'unknown', text };
}

/** Every callable member of the receivers, in declaration order. */
export function apiSurface(): Member[] {
  const ctx = load();
  const out: Member[] = [];
  for (const receiver of RECEIVERS) {
    const d = ctx.decls.get(receiver);
    if (!d || !ts.isInterfaceDeclaration(d)) throw new Error(`lab.d.ts: no interface ${receiver}`);
    for (const m of d.members) {
      if (!m.name || !ts.isIdentifier(m.name)) continue;
      const name = m.name.text;
      if (ts.isMethodSignature(m)) {
        const params = m.parameters.map((p): Param => {
          if (!ts.isIdentifier(p.name) || !p.type)
            throw new Error(`lab.d.ts: ${receiver}.${name}: odd parameter`);
          return {
            name: p.name.text,
            kind: kindOf(p.type, ctx),
            optional: p.questionToken !== undefined,
            rest: p.dotDotDotToken !== undefined,
          };
        });
        out.push({ receiver, name, setter: false, params });
      } else if (ts.isPropertySignature(m) && m.type) {
        const readonly = m.modifiers?.some((x) => x.kind === ts.SyntaxKind.ReadonlyKeyword) ?? false;
        if (readonly) continue;
        out.push({
          receiver,
          name,
          setter: true,
          params: [{ name, kind: kindOf(m.type, ctx), optional: false, rest: false }],
        });
      }
    }
  }
  return out;
}

/** The errnos a LabError may carry: the `LabErrno` union of lab.d.ts. */
export function labErrnos(): Set<string> {
  const { decls } = load();
  const d = decls.get('LabErrno');
  if (!d || !ts.isTypeAliasDeclaration(d) || !ts.isUnionTypeNode(d.type))
    throw new Error('lab.d.ts: no LabErrno union');
  return new Set(
    d.type.types.flatMap((t) =>
      ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal) ? [t.literal.text] : [],
    ),
  );
}

/** The op name the recorder uses for a member ('ioas.map'). */
export function opName(m: Member): string {
  return `${m.receiver.toLowerCase()}.${m.name}`;
}
