/**
 * Share links: a scenario (its name, source, seed and run options) packed
 * into the URL fragment, so that a static deployment of the web build shares
 * a scenario without any server (a fragment never reaches the server).
 *
 *   #s=1.<base64url(deflate-raw(UTF-8 JSON))>
 *
 * `1.` is the format version: a later format takes another number and this
 * decoder names the version it does not know instead of misreading it.
 */

export const SHARE_VERSION = '1';
/** Links longer than this may be cut by chat tools, mail clients and some browsers. */
export const LONG_LINK = 8000;
/** A decoded scenario larger than this is refused (a link is not a way to ship megabytes). */
const MAX_DECODED = 4 * 1024 * 1024;

export interface SharedOptions {
  check?: boolean;
  budgetSeconds?: number;
}

export interface SharedScenario {
  name: string;
  source: string;
  seed?: number;
  options?: SharedOptions;
}

/** Why a link could not be read (the message says what is wrong, for the user). */
export class ShareLinkError extends Error {}

async function pipe(
  bytes: Uint8Array,
  stream: CompressionStream | DecompressionStream,
  limit: number,
): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  // Written and closed without awaiting: the reader below drains the other end (awaiting first could deadlock on backpressure).
  const done = writer.write(bytes as Uint8Array<ArrayBuffer>).then(() => writer.close());
  done.catch(() => {});
  const reader = stream.readable.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    size += r.value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new ShareLinkError(`the scenario in this link is larger than ${limit / (1024 * 1024)} MiB`);
    }
    parts.push(r.value);
  }
  await done;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

export function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) bin += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1)
    throw new ShareLinkError(
      'the link is damaged (it has characters a share link never has, or was cut short)',
    );
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The fragment (with its `#`) for a scenario. */
export async function encodeShare(s: SharedScenario): Promise<string> {
  const payload: SharedScenario = { name: s.name, source: s.source };
  if (s.seed !== undefined) payload.seed = s.seed;
  if (s.options !== undefined) payload.options = s.options;
  const json = new TextEncoder().encode(JSON.stringify(payload));
  const packed = await pipe(json, new CompressionStream('deflate-raw'), Number.MAX_SAFE_INTEGER);
  return `#s=${SHARE_VERSION}.${toBase64Url(packed)}`;
}

/** The `s` value of a fragment, or null when the fragment holds no share link. */
export function shareParam(hash: string): string | null {
  const h = hash.startsWith('#') ? hash.slice(1) : hash;
  for (const part of h.split('&')) if (part.startsWith('s=')) return part.slice(2);
  return null;
}

function validate(raw: unknown): SharedScenario {
  if (typeof raw !== 'object' || raw === null) throw new ShareLinkError('the link holds no scenario');
  const r = raw as Record<string, unknown>;
  if (typeof r.source !== 'string') throw new ShareLinkError('the link holds no scenario source');
  const name = typeof r.name === 'string' && r.name.trim() !== '' ? r.name : 'shared.ts';
  const out: SharedScenario = { name, source: r.source };
  if (typeof r.seed === 'number' && Number.isSafeInteger(r.seed) && r.seed >= 0) out.seed = r.seed;
  const o = r.options;
  if (typeof o === 'object' && o !== null) {
    const opts = o as Record<string, unknown>;
    const options: SharedOptions = {};
    if (typeof opts.check === 'boolean') options.check = opts.check;
    const b = opts.budgetSeconds;
    if (typeof b === 'number' && Number.isFinite(b) && b >= 1 && b <= 3600) options.budgetSeconds = b;
    out.options = options;
  }
  return out;
}

/**
 * The scenario of a fragment (`#s=…`), or null when it holds no share link.
 * A damaged link throws ShareLinkError with a message for the user.
 */
export async function decodeShare(hash: string): Promise<SharedScenario | null> {
  const value = shareParam(hash);
  if (value === null) return null;
  const dot = value.indexOf('.');
  if (dot < 0) throw new ShareLinkError('the link is damaged (no format version)');
  const version = value.slice(0, dot);
  if (version !== SHARE_VERSION)
    throw new ShareLinkError(`the link has format ${version}, which this version of PFN Lab cannot read`);
  const bytes = fromBase64Url(value.slice(dot + 1));
  let json: Uint8Array;
  try {
    json = await pipe(bytes, new DecompressionStream('deflate-raw'), MAX_DECODED);
  } catch (e) {
    if (e instanceof ShareLinkError) throw e;
    throw new ShareLinkError('the link is damaged (its data does not decompress; was it cut short?)');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch {
    throw new ShareLinkError('the link is damaged (its data is not a scenario)');
  }
  return validate(raw);
}

/** The page's address with `fragment` in place of its own. */
export function shareUrl(href: string, fragment: string): string {
  const at = href.indexOf('#');
  return (at < 0 ? href : href.slice(0, at)) + fragment;
}
