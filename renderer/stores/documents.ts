/**
 * The open documents: tabs of scenarios (each with its text, the file it
 * came from and the text last saved there), the active tab, recent files,
 * autosave of every open document through `LabApi.app` (IndexedDB in the
 * browser, the app's data folder in the desktop app), restore at start,
 * share links, and the dialogs these need (close a changed tab, the
 * gallery, a share link the clipboard refused).
 *
 * `useScenarioStore` is the active document's view for the other stores and
 * panels (name, source, problems); this store owns the documents.
 *
 * Autosave: every change of every open document is written ~500 ms later,
 * and at once when the page is hidden or goes away; a document leaves the
 * autosave only when its tab is closed. A failing autosave (no IndexedDB)
 * warns once and changes nothing else.
 */
import { defineStore } from 'pinia';
import { markRaw } from 'vue';
import type { OpenedFile, RecentFile } from '../../electron/shared/app-host';
import { sourceTextProblem } from '../../engine/scenario/source-text';
import type { WireError } from '../../engine/worker/protocol';
import { DEFAULT_SCENARIO } from '../examples/default-scenario';
import { getLabApi } from '../lab';
import {
  decodeShare,
  encodeShare,
  LONG_LINK,
  ShareLinkError,
  shareParam,
  shareUrl,
} from '../share/share-link';
import {
  autosaveKey,
  cleanName,
  fromAutosaved,
  isDirty,
  isReplaceable,
  isRunText,
  newDocId,
  NEW_SCENARIO,
  toAutosaved,
  untitledName,
  type DocState,
} from './doc-model';
import { EXAMPLES } from './examples';
import { loadText, parseRecord, saveJson } from './local-storage';
import { useRunsStore } from './runs';
import { useSettingsStore } from './settings';
import { isStudyText } from '../study/read';
import { useStudyStore } from './study';

export type { DocState } from './doc-model';

export const AUTOSAVE_DELAY_MS = 500;
const RESTORE_TIMEOUT_MS = 3000;
const ACTIVE_KEY = 'pfnlab.documents.active.v1';

export interface DocNotice {
  kind: 'info' | 'warning' | 'error';
  text: string;
}

export interface ShareState {
  url: string;
  length: number;
  long: boolean;
  /** Whether the clipboard took it (else the dialog shows it selected). */
  copied: boolean;
}

/** Outside reactivity: timers and what autosave last wrote. */
interface Runtime {
  timer: ReturnType<typeof setTimeout> | null;
  pending: Set<string>;
  written: Map<string, string>;
  init: Promise<void> | null;
  uninstall: (() => void) | null;
  /** Uninstalled: no more timers or late actions (a late action would make this store's Pinia the active one). */
  disposed: boolean;
  autosaveWarned: boolean;
}

function firstDoc(): DocState {
  return {
    id: newDocId(),
    name: 'untitled.ts',
    text: DEFAULT_SCENARIO,
    handle: null,
    savedText: DEFAULT_SCENARIO,
    loads: 0,
  };
}

function errText(e: WireError): string {
  return e.message || e.errno;
}

export const useDocumentsStore = defineStore('documents', {
  state: () => {
    const d = firstDoc();
    return {
      docs: [d] as DocState[],
      activeId: d.id,
      recent: [] as RecentFile[],
      /** Restore done (the editor waits for it, so that it starts on the restored tabs). */
      ready: false,
      /** Documents restored from the last session (the notice), 0 when none or dismissed. */
      restored: 0,
      notice: null as DocNotice | null,
      /** Id of the changed tab whose close waits for an answer. */
      confirmClose: null as string | null,
      galleryOpen: false,
      share: null as ShareState | null,
      /** Bumped whenever another text shows in the editor (another tab, or a text loaded into this one). */
      loadCount: 0,
      rt: markRaw<Runtime>({
        timer: null,
        pending: new Set(),
        written: new Map(),
        init: null,
        uninstall: null,
        disposed: false,
        autosaveWarned: false,
      }),
    };
  },
  getters: {
    active(s): DocState {
      return s.docs.find((d) => d.id === s.activeId) ?? (s.docs[0] as DocState);
    },
    activeIndex(s): number {
      return Math.max(
        0,
        s.docs.findIndex((d) => d.id === s.activeId),
      );
    },
    dirtyNames(s): string[] {
      return s.docs.filter(isDirty).map((d) => d.name);
    },
  },
  actions: {
    isDirty(id: string): boolean {
      const d = this.docs.find((x) => x.id === id);
      return d ? isDirty(d) : false;
    },
    doc(id: string): DocState | undefined {
      return this.docs.find((d) => d.id === id);
    },

    // ---- start ---------------------------------------------------------------

    /** Restore the last session's documents, then open a share link in the URL; once. */
    init(): Promise<void> {
      this.rt.init ??= this.restore();
      return this.rt.init;
    },

    async restore(): Promise<void> {
      const app = getLabApi().app;
      // A storage that never answers (a blocked IndexedDB) must not keep the editor from starting.
      const late = {
        ok: false as const,
        error: { errno: 'ETIMEDOUT' as const, message: 'no answer within 3 s' },
      };
      const within = <T>(p: Promise<T>): Promise<T | typeof late> =>
        Promise.race([p, new Promise<typeof late>((ok) => setTimeout(() => ok(late), RESTORE_TIMEOUT_MS))]);
      const [list, recent] = await Promise.all([within(app.autosaveList()), within(app.recentFiles())]);
      if (this.rt.disposed) return;
      if (recent.ok) this.recent = recent.value;
      if (!list.ok) this.warnAutosave(list.error);
      else if (list.value.length > 0) {
        const docs = list.value.map(fromAutosaved);
        this.docs = docs;
        const want = parseRecord(loadText(ACTIVE_KEY))?.id;
        this.activeId = docs.some((d) => d.id === want) ? (want as string) : (docs[0] as DocState).id;
        this.loadCount++;
        // The notice only when there is something to tell: not for the one untouched default tab.
        const only = docs[0] as DocState;
        this.restored = docs.length > 1 || only.text !== DEFAULT_SCENARIO ? docs.length : 0;
        docs.forEach((d, i) => this.rt.written.set(d.id, autosaveKey(d, i)));
      }
      if (typeof location !== 'undefined') await this.openShare(location.hash);
      this.ready = true;
      this.scheduleAll();
    },

    /** Autosave on hide and unload, share links on hashchange, files dropped on the window (App installs it once). */
    install(): () => void {
      if (this.rt.uninstall) return this.rt.uninstall;
      this.rt.disposed = false;
      const flush = (): void => void this.flushAutosave();
      const onVis = (): void => {
        if (document.visibilityState === 'hidden') flush();
      };
      const onHash = (): void => {
        if (shareParam(location.hash) !== null) void this.openShare(location.hash);
      };
      const onDragOver = (e: DragEvent): void => {
        if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
      };
      const onDrop = (e: DragEvent): void => {
        const files = [...(e.dataTransfer?.files ?? [])];
        if (files.length === 0) return;
        e.preventDefault();
        void this.openDropped(files);
      };
      document.addEventListener('visibilitychange', onVis);
      window.addEventListener('pagehide', flush);
      window.addEventListener('beforeunload', flush); // the desktop app's window close: the earliest moment
      window.addEventListener('hashchange', onHash);
      window.addEventListener('dragover', onDragOver);
      window.addEventListener('drop', onDrop);
      this.rt.uninstall = () => {
        document.removeEventListener('visibilitychange', onVis);
        window.removeEventListener('pagehide', flush);
        window.removeEventListener('beforeunload', flush);
        window.removeEventListener('hashchange', onHash);
        window.removeEventListener('dragover', onDragOver);
        window.removeEventListener('drop', onDrop);
        this.rt.uninstall = null;
        void this.flushAutosave();
        this.rt.disposed = true;
      };
      return this.rt.uninstall;
    },

    // ---- editing -------------------------------------------------------------

    setText(id: string, text: string): void {
      const d = this.doc(id);
      if (!d || d.text === text) return;
      d.text = text;
      this.schedule(id);
    },

    activate(id: string): void {
      if (id === this.activeId || !this.doc(id)) return;
      this.activeId = id;
      this.loadCount++;
      saveJson(ACTIVE_KEY, { id });
    },

    /** Rename a tab. A file behind it is left alone: the tab is no longer tied to it (the next Save asks where). */
    rename(id: string, typed: string): boolean {
      const d = this.doc(id);
      const name = cleanName(typed);
      if (!d || name === null) return false;
      if (name === d.name) return true;
      d.name = name;
      if (d.handle !== null) {
        d.handle = null;
        d.savedText = null;
      }
      this.schedule(id);
      return true;
    },

    /**
     * Show a text: in the active tab when nothing would be lost there (no file,
     * unchanged), else in a new tab; a file already open just becomes active.
     */
    place(doc: Omit<DocState, 'id' | 'loads'>, opts: { newTab?: boolean } = {}): DocState {
      if (doc.handle !== null) {
        const open = this.docs.find((d) => d.handle === doc.handle);
        if (open) {
          this.activate(open.id);
          return open;
        }
      }
      const cur = this.active;
      if (!opts.newTab && isReplaceable(cur)) {
        Object.assign(cur, doc);
        cur.loads++;
        this.loadCount++;
        this.schedule(cur.id);
        return cur;
      }
      const d: DocState = { ...doc, id: newDocId(), loads: 0 };
      this.docs.push(d);
      this.activate(d.id);
      this.scheduleAll();
      return d;
    },

    newDocument(): DocState {
      const name = untitledName(this.docs.map((d) => d.name));
      return this.place(
        { name, text: NEW_SCENARIO, handle: null, savedText: NEW_SCENARIO },
        { newTab: true },
      );
    },

    /** Open a bundled scenario by file name; false when there is none. */
    openExample(name: string): boolean {
      const ex = EXAMPLES.find((e) => e.name === name);
      if (!ex) return false;
      this.place({ name: ex.name, text: ex.source, handle: null, savedText: ex.source });
      this.galleryOpen = false;
      return true;
    },

    /** A text from outside (a dropped file, a file handed over): a saved run goes to the runs store, a study result to the study store. */
    async openText(name: string, text: string): Promise<void> {
      if (isStudyText(text)) {
        useStudyStore().loadText(name, text);
        return;
      }
      if (isRunText(text)) {
        await this.openRun(name, text);
        return;
      }
      if (this.refuseNonText(name, text)) return;
      this.place({ name, text, handle: null, savedText: text });
    },

    /** A binary or non-UTF-8 file is not opened as a scenario tab: the notice says what it is (the open tabs stay as they are). */
    refuseNonText(name: string, text: string): boolean {
      const problem = sourceTextProblem(text);
      if (problem === null) return false;
      this.notice = { kind: 'error', text: `Cannot open ${name}: ${problem}` };
      return true;
    },

    async openRun(name: string, text: string): Promise<void> {
      await useRunsStore().loadRunText(name, text);
    },

    async opened(f: OpenedFile): Promise<void> {
      if (isStudyText(f.text)) useStudyStore().loadText(f.name, f.text);
      else if (isRunText(f.text)) await this.openRun(f.name, f.text);
      else if (!this.refuseNonText(f.name, f.text))
        this.place({ name: f.name, text: f.text, handle: f.handle || null, savedText: f.text });
      await this.refreshRecent();
    },

    // ---- files ---------------------------------------------------------------

    async openFile(): Promise<void> {
      const r = await getLabApi().app.openFile('scenario');
      if (!r.ok) {
        this.notice = { kind: 'error', text: `Open failed: ${errText(r.error)}` };
        return;
      }
      if (r.value) await this.opened(r.value);
    },

    /**
     * Open files dropped on the window. The desktop app knows a dropped file's
     * path (AppHost.handleForFile): it opens as that file, so Save writes back
     * to it; the browser has only the text.
     */
    async openDropped(files: readonly File[]): Promise<void> {
      const app = getLabApi().app;
      for (const f of files) {
        const handle = app.handleForFile?.(f) ?? null;
        if (handle) await this.openHandle(handle);
        else await this.openText(f.name, await f.text());
      }
    },

    /** Open a file the host knows (a recent file, one handed over by the OS). */
    async openHandle(handle: string): Promise<void> {
      const open = this.docs.find((d) => d.handle === handle);
      if (open) {
        this.activate(open.id);
        return;
      }
      const r = await getLabApi().app.readFile(handle);
      if (!r.ok) {
        this.notice = { kind: 'error', text: `Cannot open: ${errText(r.error)}` };
        await this.refreshRecent();
        return;
      }
      await this.opened(r.value);
    },

    /** Save a tab to its file, or with Save As when it has none; true when saved. */
    async save(tab?: string): Promise<boolean> {
      const id = tab ?? this.activeId;
      const d = this.doc(id);
      if (!d) return false;
      if (d.handle === null) return this.saveAs(id);
      const text = d.text;
      const r = await getLabApi().app.saveFile(d.handle, text);
      if (!r.ok) {
        if (r.error.errno === 'EINVAL' || r.error.errno === 'ENOENT') return this.saveAs(id);
        this.notice = { kind: 'error', text: `Save failed: ${errText(r.error)}` };
        return false;
      }
      d.savedText = text;
      d.name = r.value.name;
      this.schedule(id);
      return true;
    },

    /** Ask where to save a tab (suggesting its name); true when saved, false when cancelled or failed. */
    async saveAs(tab?: string): Promise<boolean> {
      const id = tab ?? this.activeId;
      const d = this.doc(id);
      if (!d) return false;
      const text = d.text;
      const r = await getLabApi().app.saveFileAs(d.name, text, 'scenario');
      if (!r.ok) {
        this.notice = { kind: 'error', text: `Save failed: ${errText(r.error)}` };
        return false;
      }
      if (r.value === null) return false;
      d.handle = r.value.handle || null;
      d.name = r.value.name;
      d.savedText = text;
      this.schedule(id);
      if (d.handle === null)
        this.notice = {
          kind: 'info',
          text: `${d.name} downloaded. This browser cannot save back to it: Save downloads again.`,
        };
      await this.refreshRecent();
      return true;
    },

    /** Close a tab; a changed one asks first (the dialog answers through answerClose). */
    closeTab(tab?: string): void {
      const id = tab ?? this.activeId;
      const d = this.doc(id);
      if (!d) return;
      if (isDirty(d)) {
        this.confirmClose = id;
        return;
      }
      this.dropTab(id);
    },

    async answerClose(answer: 'save' | 'discard' | 'cancel'): Promise<void> {
      const id = this.confirmClose;
      this.confirmClose = null;
      if (id === null || answer === 'cancel') return;
      if (answer === 'save' && !(await this.save(id))) return;
      this.dropTab(id);
    },

    dropTab(id: string): void {
      const at = this.docs.findIndex((d) => d.id === id);
      if (at < 0) return;
      this.docs.splice(at, 1);
      this.rt.pending.delete(id);
      this.rt.written.delete(id);
      void getLabApi()
        .app.autosaveRemove(id)
        .then((r) => {
          if (!r.ok && !this.rt.disposed) this.warnAutosave(r.error);
        });
      if (this.docs.length === 0) {
        const d = firstDoc();
        d.text = d.savedText = NEW_SCENARIO;
        this.docs.push(d);
      }
      if (this.activeId === id) this.activate((this.docs[Math.min(at, this.docs.length - 1)] as DocState).id);
      this.scheduleAll();
    },

    async refreshRecent(): Promise<void> {
      const r = await getLabApi().app.recentFiles();
      if (r.ok) this.recent = r.value;
    },

    async clearRecent(): Promise<void> {
      await getLabApi().app.clearRecentFiles();
      await this.refreshRecent();
    },

    openGallery(): void {
      this.galleryOpen = true;
    },

    dismissNotice(): void {
      this.notice = null;
    },

    dismissRestored(): void {
      this.restored = 0;
    },

    // ---- share links -----------------------------------------------------------

    /** The active scenario and run options as a link; copied, or shown selected when the clipboard refuses. */
    async copyShareLink(): Promise<ShareState> {
      const d = this.active;
      const settings = useSettingsStore();
      const frag = await encodeShare({
        name: d.name,
        source: d.text,
        seed: settings.seed,
        options: { check: settings.check, budgetSeconds: settings.budgetSeconds },
      });
      // The desktop app has no address to share: the fragment goes after the web build's.
      const web = getLabApi().host === 'web' && typeof location !== 'undefined';
      const url = web ? shareUrl(location.href, frag) : frag;
      let copied = false;
      try {
        if (typeof navigator !== 'undefined' && navigator.clipboard) {
          await navigator.clipboard.writeText(url);
          copied = web;
        }
      } catch {
        copied = false;
      }
      const share: ShareState = { url, length: url.length, long: url.length > LONG_LINK, copied };
      this.share = share;
      const warn = share.long
        ? ` Over ${LONG_LINK} characters: some chat tools and browsers cut links that long.`
        : '';
      if (copied)
        this.notice = {
          kind: share.long ? 'warning' : 'info',
          text: `Share link copied (${share.length} characters).${warn}`,
        };
      return share;
    },

    closeShare(): void {
      this.share = null;
    },

    /** Open the scenario of a `#s=…` fragment in a new tab (and take its run options); a damaged link changes nothing. */
    async openShare(hash: string): Promise<boolean> {
      if (shareParam(hash) === null) return false;
      try {
        const s = await decodeShare(hash);
        if (!s) return false;
        this.place({ name: s.name, text: s.source, handle: null, savedText: null }, { newTab: true });
        const settings = useSettingsStore();
        if (s.seed !== undefined) settings.seed = s.seed;
        if (s.options?.check !== undefined) settings.check = s.options.check;
        if (s.options?.budgetSeconds !== undefined) settings.budgetSeconds = s.options.budgetSeconds;
        settings.save();
        this.notice = { kind: 'info', text: `Opened the shared scenario ${s.name} in a new tab.` };
        return true;
      } catch (e) {
        const why = e instanceof ShareLinkError ? e.message : e instanceof Error ? e.message : String(e);
        this.notice = {
          kind: 'error',
          text: `This share link cannot be opened: ${why}. Nothing was changed.`,
        };
        return false;
      } finally {
        // Opened once: a reload must not open it again (autosave has the tab now).
        if (typeof history !== 'undefined' && typeof location !== 'undefined' && location.hash === hash)
          history.replaceState(null, '', location.pathname + location.search);
      }
    },

    // ---- autosave ------------------------------------------------------------

    schedule(id: string): void {
      this.rt.pending.add(id);
      this.armAutosave();
    },

    scheduleAll(): void {
      for (const d of this.docs) this.rt.pending.add(d.id);
      this.armAutosave();
    },

    armAutosave(): void {
      if (!this.ready || this.rt.disposed) return;
      if (this.rt.timer !== null) clearTimeout(this.rt.timer);
      this.rt.timer = setTimeout(() => void this.flushAutosave(), AUTOSAVE_DELAY_MS);
    },

    /** Write every changed document now (also what the debounce ends in). */
    async flushAutosave(): Promise<void> {
      if (this.rt.timer !== null) clearTimeout(this.rt.timer);
      this.rt.timer = null;
      if (!this.ready) return;
      saveJson(ACTIVE_KEY, { id: this.activeId });
      const ids = [...this.rt.pending];
      this.rt.pending.clear();
      const app = getLabApi().app;
      const now = Date.now();
      const writes: Promise<void>[] = [];
      this.docs.forEach((d, order) => {
        if (!ids.includes(d.id)) return;
        const key = autosaveKey(d, order);
        if (this.rt.written.get(d.id) === key) return;
        this.rt.written.set(d.id, key);
        writes.push(
          app.autosavePut(toAutosaved(d, order, now)).then((r) => {
            if (r.ok || this.rt.disposed) return;
            this.rt.written.delete(d.id);
            this.warnAutosave(r.error);
          }),
        );
      });
      await Promise.all(writes);
    },

    warnAutosave(e: WireError): void {
      if (this.rt.autosaveWarned) return;
      this.rt.autosaveWarned = true;
      this.notice = {
        kind: 'warning',
        text: `Autosave is off (${errText(e)}): open documents will not survive a reload. Save them to files.`,
      };
    },
  },
});
