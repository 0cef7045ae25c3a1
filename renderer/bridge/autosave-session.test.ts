import { describe, expect, it } from 'vitest';
import type { AutosavedDocument } from '../../electron/shared/app-host';
import type { SessionLocks, SessionStore } from './autosave-session';
import { webLocks } from './autosave-session';
import { memoryKv } from './kv';
import { createWebAppHost } from './web-app-host';

/** The Web Locks of one origin: every tab sees the same held locks; closing a tab frees its own. */
function origin() {
  const owner = new Map<string, number>();
  let tabs = 0;
  const kv = memoryKv();
  return {
    kv,
    /** A new browser tab: its own locks view and sessionStorage (copied when duplicating). */
    tab(copyOf?: { store: SessionStore }) {
      const me = ++tabs;
      const locks: SessionLocks = {
        async hold(name) {
          const o = owner.get(name);
          if (o !== undefined && o !== me) return false;
          owner.set(name, me);
          return true;
        },
        async held() {
          return new Set(owner.keys());
        },
        exclusive: (_name, fn) => fn(),
      };
      let saved = copyOf?.store.get() ?? null;
      const store: SessionStore = { get: () => saved, set: (id) => void (saved = id) };
      let n = 0;
      const host = createWebAppHost({
        kv,
        pickers: null,
        locks,
        session: store,
        newId: () => `t${me}-${++n}`,
      });
      const close = (): void => {
        for (const [name, o] of owner) if (o === me) owner.delete(name);
      };
      return {
        host,
        store,
        close,
        reload: () => createWebAppHost({ kv, pickers: null, locks, session: store }),
      };
    },
  };
}

const doc = (id: string, order: number, text = `// ${id}`): AutosavedDocument => ({
  id,
  name: `${id}.ts`,
  text,
  handle: null,
  savedText: null,
  order,
  updatedAt: 1,
});

async function ids(host: ReturnType<typeof createWebAppHost>): Promise<string[]> {
  const l = await host.autosaveList();
  if (!l.ok) throw new Error(l.error.message);
  return l.value.map((d) => `${d.id}:${d.text}`);
}

describe('autosave sessions (one per browser tab)', () => {
  it('a second tab neither restores nor overwrites the first tab’s documents', async () => {
    const o = origin();
    const a = o.tab();
    await a.host.autosaveList();
    await a.host.autosavePut(doc('x', 0, 'typed in A'));
    const b = o.tab();
    expect(await ids(b.host)).toEqual([]);
    await b.host.autosavePut(doc('x', 0, 'typed in B'));
    await b.host.autosaveRemove('x');
    expect(await ids(a.reload())).toEqual(['x:typed in A']);
  });

  it('a reloaded tab keeps its session; a duplicated tab gets a new one', async () => {
    const o = origin();
    const a = o.tab();
    await a.host.autosavePut(doc('x', 0));
    expect(await ids(a.reload())).toEqual(['x:// x']);
    const dup = o.tab(a);
    expect(await ids(dup.host)).toEqual([]);
    expect(dup.store.get()).not.toBe(a.store.get());
  });

  it('a new tab adopts the documents of closed tabs, once', async () => {
    const o = origin();
    const a = o.tab();
    await a.host.autosavePut(doc('x', 0));
    await a.host.autosavePut(doc('y', 1));
    a.close();
    const c = o.tab();
    expect(await ids(c.host)).toEqual(['x:// x', 'y:// y']);
    // Now C owns them: its edits and removals act on them, and another new tab does not take them.
    await c.host.autosaveRemove('x');
    const d = o.tab();
    expect(await ids(d.host)).toEqual([]);
    expect(await ids(c.reload())).toEqual(['y:// y']);
    expect([...o.kv.maps.autosave.keys()]).toEqual([`${c.store.get()}/y`]);
  });

  it('adopts records written before sessions existed (keyed by the document id alone)', async () => {
    const o = origin();
    await o.kv.put('autosave', 'old', doc('old', 0, 'from last week'));
    const a = o.tab();
    expect(await ids(a.host)).toEqual(['old:from last week']);
    expect(o.kv.maps.autosave.has('old')).toBe(false);
  });

  it('without the Web Locks API every tab shares one session, as before', async () => {
    const kv = memoryKv();
    const a = createWebAppHost({ kv, pickers: null, locks: null });
    await a.autosavePut(doc('x', 0));
    expect(await ids(createWebAppHost({ kv, pickers: null, locks: null }))).toEqual(['x:// x']);
    expect(webLocks({})).toBeNull();
  });
});
