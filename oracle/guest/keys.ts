/**
 * Cache keys: a SHA-256 over named inputs (name, length, bytes), so renaming
 * or moving content between inputs changes the key. The kernel key covers the
 * fragment, the build code and the source package's version; the guest key
 * covers the kernel key, every file of oracle/driver/, the fixture, the
 * initramfs code and the busybox / compiler versions.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export interface KeyInput {
  name: string;
  data: string | Buffer;
}

/** Bumped when the cache layout changes, so old entries are not read. */
export const CACHE_LAYOUT = 1;

export function hashInputs(inputs: readonly KeyInput[]): string {
  const h = createHash('sha256');
  h.update(`pfnlab-oracle-cache ${CACHE_LAYOUT}\n`);
  for (const input of [...inputs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const data = typeof input.data === 'string' ? Buffer.from(input.data, 'utf8') : input.data;
    h.update(`${input.name}\0${data.length}\0`);
    h.update(data);
  }
  return h.digest('hex');
}

/** An input's name: its path from base with '/' separators, the same on every host. */
export function inputName(base: string, path: string): string {
  return relative(base, path).split(sep).join('/');
}

/** Every regular file under dir (recursively), as inputs named by their path from base. */
export function dirInputs(dir: string, base: string): KeyInput[] {
  const out: KeyInput[] = [];
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return out; // an absent folder is no input
  }
  for (const name of names) {
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) out.push(...dirInputs(path, base));
    else if (st.isFile()) out.push({ name: inputName(base, path), data: readFileSync(path) });
  }
  return out;
}

export function fileInputs(paths: readonly string[], base: string): KeyInput[] {
  return paths.map((p) => ({ name: inputName(base, p), data: readFileSync(p) }));
}

/**
 * Remove the temporary folders of builds that died (PREFIX-*.tmp-PID). Call
 * it while holding the build lock: no live build has one then.
 */
export function removeDeadBuilds(root: string, prefix: string): void {
  for (const name of readdirSync(root))
    if (name.startsWith(`${prefix}-`) && /\.tmp-\d+$/.test(name))
      rmSync(join(root, name), { recursive: true, force: true });
}

/** The short form used in directory names. */
export function shortKey(key: string): string {
  return key.slice(0, 16);
}
