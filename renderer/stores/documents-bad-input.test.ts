/**
 * Files that are not scenario text (NUL bytes, bytes the browser decoded as
 * U+FFFD), opened or dropped: no tab, a notice naming the file and where,
 * and the open tabs and their text untouched (issue 15, tests/bad-input).
 */
import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLabApi } from '../lab';
import { fakeLab } from '../tests/fakes';
import type { MemoryAppHost } from '../tests/memory-app-host';
import { useDocumentsStore } from './documents';

let host: MemoryAppHost;

beforeEach(() => {
  vi.useFakeTimers();
  const lab = fakeLab();
  host = lab.app as MemoryAppHost;
  setLabApi(lab);
  localStorage.clear();
});

afterEach(() => {
  vi.useRealTimers();
  setLabApi(undefined);
});

async function twoTabs() {
  setActivePinia(createPinia());
  const docs = useDocumentsStore();
  await docs.init();
  docs.setText(docs.activeId, 'lab.open(); // mine');
  docs.newDocument();
  docs.setText(docs.activeId, 'lab.log(2); // second');
  return docs;
}

const texts = (docs: ReturnType<typeof useDocumentsStore>): string[] => docs.docs.map((d) => d.text);

describe('documents: files that are not text', () => {
  it.each([
    [
      'a NUL byte',
      'lab.log(1)\n\u0000\u0001PK',
      /Cannot open bin\.ts: not a text file: a NUL byte at line 2, column 1/,
    ],
    [
      'invalid UTF-8',
      new TextDecoder().decode(Uint8Array.from([0x63, 0x61, 0x66, 0xe9])),
      /not UTF-8 text.*line 1, column 4/,
    ],
  ])('dropped with %s: refused with a notice, the tabs untouched', async (_, text, notice) => {
    const docs = await twoTabs();
    const before = texts(docs);
    const active = docs.activeId;
    await docs.openDropped([new File([text], 'bin.ts')]);
    await flushPromises();
    expect(docs.notice?.kind).toBe('error');
    expect(docs.notice?.text).toMatch(notice);
    expect(texts(docs)).toEqual(before);
    expect(docs.activeId).toBe(active);
  });

  it('opened through the Open dialog: refused the same way', async () => {
    const docs = await twoTabs();
    const before = texts(docs);
    host.files.set('/w/image.ts', '\u0089PNG\r\n\u001a\n\u0000\u0000');
    host.nextOpen = '/w/image.ts';
    await docs.openFile();
    expect(docs.notice?.text).toMatch(/Cannot open image\.ts: not a text file/);
    expect(texts(docs)).toEqual(before);
  });

  it('an empty file still opens (an empty scenario is a scenario)', async () => {
    const docs = await twoTabs();
    await docs.openDropped([new File([''], 'empty.ts')]);
    expect(docs.active).toMatchObject({ name: 'empty.ts', text: '' });
    expect(docs.docs).toHaveLength(3);
  });
});
