/**
 * A writer for the cpio "newc" format, the one the kernel unpacks as an
 * initramfs. Small and in memory: the per-run archive of scripts is built
 * here for every run, and appended to the cached base archive (the kernel
 * reads concatenated archives, later files added to the same rootfs).
 */

export interface CpioEntry {
  /** Path inside the archive, without a leading '/'. */
  path: string;
  /** 'dir' | 'file' | 'symlink' (target in data). */
  kind: 'dir' | 'file' | 'symlink';
  /** Permission bits, e.g. 0o755. */
  mode: number;
  data?: Buffer | string;
}

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function pad4(n: number): number {
  return (4 - (n % 4)) % 4;
}

function header(ino: number, mode: number, nlink: number, size: number, nameSize: number): string {
  // magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor,
  // rdevmajor, rdevminor, namesize, check
  return '070701' + [ino, mode, 0, 0, nlink, 0, size, 0, 0, 0, 0, nameSize, 0].map(hex8).join('');
}

/** The archive of entries, ending with the TRAILER!!! record; its length is a multiple of 4. */
export function writeCpio(entries: readonly CpioEntry[], firstIno = 1): Buffer {
  const parts: Buffer[] = [];
  let ino = firstIno;
  const push = (path: string, mode: number, nlink: number, data: Buffer) => {
    const name = Buffer.from(path + '\0', 'utf8');
    const head = Buffer.from(header(ino++, mode, nlink, data.length, name.length), 'ascii');
    parts.push(head, name, Buffer.alloc(pad4(head.length + name.length)));
    if (data.length > 0) parts.push(data, Buffer.alloc(pad4(data.length)));
  };
  for (const e of entries) {
    if (e.path.startsWith('/') || e.path === '') throw new Error(`cpio: bad path ${JSON.stringify(e.path)}`);
    const data =
      e.data === undefined
        ? Buffer.alloc(0)
        : typeof e.data === 'string'
          ? Buffer.from(e.data, 'utf8')
          : e.data;
    const type = e.kind === 'dir' ? S_IFDIR : e.kind === 'symlink' ? S_IFLNK : S_IFREG;
    push(
      e.path,
      type | (e.mode & 0o7777),
      e.kind === 'dir' ? 2 : 1,
      e.kind === 'dir' ? Buffer.alloc(0) : data,
    );
  }
  push('TRAILER!!!', 0, 1, Buffer.alloc(0));
  return Buffer.concat(parts);
}

export interface CpioRecord {
  path: string;
  mode: number;
  data: Buffer;
}

/** Read a newc archive back (for tests and for checking what a run sends). Stops at the trailer. */
export function readCpio(buf: Buffer): CpioRecord[] {
  const out: CpioRecord[] = [];
  let off = 0;
  for (;;) {
    if (off + 110 > buf.length) throw new Error('cpio: truncated header');
    const head = buf.toString('ascii', off, off + 110);
    if (!head.startsWith('070701')) throw new Error(`cpio: bad magic at ${off}`);
    const field = (i: number) => parseInt(head.slice(6 + i * 8, 14 + i * 8), 16);
    const mode = field(1);
    const size = field(6);
    const nameSize = field(11);
    const name = buf.toString('utf8', off + 110, off + 110 + nameSize - 1);
    off += 110 + nameSize;
    off += pad4(off);
    if (name === 'TRAILER!!!') return out;
    out.push({ path: name, mode, data: buf.subarray(off, off + size) });
    off += size + pad4(size);
  }
}
