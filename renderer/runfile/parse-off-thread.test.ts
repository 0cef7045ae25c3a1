import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, describe, expect, it } from 'vitest';
import { fromResult, parseRunFile, serializeRun } from '../../engine/scenario/run-file';
import { setLabApi } from '../lab';
import { useRunsStore } from '../stores/runs';
import { fakeLab } from '../tests/fakes';
import { parseReplies, RunAssembler } from './parse-job';
import {
  parseHere,
  parseRunFileOffThread,
  setParserWorkerFactory,
  type ParserWorkerLike,
} from './parse-off-thread';
import type { ParseReply, ParseRequest } from './parse-protocol';
import RunFileMenu from './RunFileMenu.vue';
import { testRunResult } from './test-run';

function runText(n = 12): string {
  return serializeRun(
    fromResult(testRunResult(n), {
      fileName: 'a.ts',
      source: 'lab.open();\n',
      seed: 1,
      check: false,
      ranAt: new Date(0),
      engine: { version: '0.1.0', scenarioApi: 1 },
    }),
  );
}

/** The reader's message for a bad text. */
function readerMessage(text: string): string {
  try {
    parseRunFile(text);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('accepted');
}

/**
 * A stand-in Worker: it runs the worker's job (parse-job) when `release()` is
 * called, and delivers each reply as its own task, structured-cloned as a
 * real worker's would be.
 */
class FakeWorker implements ParserWorkerLike {
  onmessage: ((e: MessageEvent<ParseReply>) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;
  posted: ParseRequest[] = [];
  terminated = false;
  constructor(private readonly perReply = 5) {}
  postMessage(m: ParseRequest): void {
    this.posted.push(m);
  }
  terminate(): void {
    this.terminated = true;
  }
  async release(): Promise<void> {
    for (const r of parseReplies((this.posted[0] as ParseRequest).text, this.perReply)) {
      await new Promise((res) => setTimeout(res, 0));
      this.onmessage?.({ data: structuredClone(r) } as MessageEvent<ParseReply>);
    }
  }
  fail(): void {
    this.onerror?.(new Event('error'));
  }
}

function useFake(perReply?: number): FakeWorker[] {
  const made: FakeWorker[] = [];
  setParserWorkerFactory(() => {
    const w = new FakeWorker(perReply);
    made.push(w);
    return w;
  });
  return made;
}

afterEach(() => {
  setParserWorkerFactory(undefined);
  setLabApi(undefined);
});

describe('run file parsed off the main thread', () => {
  it('the worker job cuts the run into a head and slices of events that put back together equal parseRunFile', () => {
    const text = runText(23);
    const replies = parseReplies(text, 5);
    expect(replies.map((r) => r.kind)).toEqual([
      'head',
      'events',
      'events',
      'events',
      'events',
      'events',
      'done',
    ]);
    const asm = new RunAssembler();
    let run = null;
    for (const r of replies) run = asm.take(structuredClone(r));
    expect(run).toEqual(parseRunFile(text));
    expect(parseHere(text)).toEqual(parseRunFile(text));
  });

  it('a bad file is the reader’s message, from the worker and from the fallback alike', async () => {
    const bad = runText().replace('"seq":3', '"seq":"x"');
    const want = readerMessage(bad);
    expect(want).toMatch(/^timeline\.events\[2\]\.seq: /);
    const made = useFake();
    const p = parseRunFileOffThread(bad);
    await made[0]?.release();
    await expect(p).rejects.toThrow(want);
    expect(made[0]?.terminated).toBe(true);
    setParserWorkerFactory(null);
    await expect(parseRunFileOffThread(bad)).rejects.toThrow(want);
    await expect(parseRunFileOffThread('{')).rejects.toThrow(readerMessage('{'));
  });

  it('reports the share of events received, and parses here when the worker does not start', async () => {
    const text = runText(20);
    const made = useFake(5);
    const shares: number[] = [];
    const p = parseRunFileOffThread(text, (s) => shares.push(s));
    await made[0]?.release();
    expect(await p).toEqual(parseRunFile(text));
    expect(shares).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const broken = useFake();
    const q = parseRunFileOffThread(text);
    broken[0]?.fail();
    expect(await q).toEqual(parseRunFile(text));
  });

  it('loadRunText hands the text to the worker and says "Opening …" until the run is back; the UI stays as it was', async () => {
    const pinia = createPinia();
    setActivePinia(pinia);
    setLabApi(fakeLab({ run: () => ({ ok: true, value: testRunResult() }) }));
    const w = mount(RunFileMenu, { global: { plugins: [pinia] }, attachTo: document.body });
    const runs = useRunsStore();
    const made = useFake(4);
    const text = runText(12);
    const loading = runs.loadRunText('big.pfnrun.json', text);
    await flushPromises();
    // the main thread did not parse: the worker holds the text, nothing changed yet
    expect(made).toHaveLength(1);
    expect(made[0]?.posted).toEqual([{ text }]);
    expect(runs.current).toBeNull();
    expect(runs.opening).toBe('big.pfnrun.json');
    expect(w.get('[data-testid=runfile-opening]').text()).toContain('Opening big.pfnrun.json…');
    expect(w.get('[data-testid=open-run]').attributes('disabled')).toBeDefined();
    await made[0]?.release();
    expect(await loading).toBe(true);
    await flushPromises();
    expect(runs.opening).toBeNull();
    expect(runs.current?.saved?.name).toBe('big.pfnrun.json');
    expect(runs.data.length).toBe(12);
    expect(w.find('[data-testid=runfile-opening]').exists()).toBe(false);

    // a bad file: the same clear banner, and the run shown stays
    const bad = runs.loadRunText('bad.pfnrun.json', text.replace('"seq":3', '"seq":"x"'));
    await made[1]?.release();
    expect(await bad).toBe(false);
    expect(runs.runFileError).toBe(`bad.pfnrun.json: ${readerMessage(text.replace('"seq":3', '"seq":"x"'))}`);
    expect(runs.opening).toBeNull();
    expect(runs.current?.saved?.name).toBe('big.pfnrun.json');
    w.unmount();
  });
});
