// The editor reports its markers again whenever any marker changes (its own
// run markers included): an equal list must not count as a change, or the
// editor panel's problems → run markers → problems watch never settles (the
// app froze after a Stop or a failed run).
import { createPinia, setActivePinia } from 'pinia';
import { describe, expect, it } from 'vitest';
import { nextTick, watch } from 'vue';
import { useScenarioStore } from './scenario';

describe('scenario.setProblems', () => {
  it('leaves the state alone for an equal list, and takes a different one', async () => {
    setActivePinia(createPinia());
    const s = useScenarioStore();
    s.setProblems([{ severity: 'error', line: 1, column: 2, message: "File 'x' not found." }]);
    let fired = 0;
    watch(
      () => s.problems,
      () => fired++,
    );
    s.setProblems([{ severity: 'error', line: 1, column: 2, message: "File 'x' not found." }]);
    await nextTick();
    expect(fired).toBe(0);
    s.setProblems([{ severity: 'error', line: 1, column: 3, message: "File 'x' not found." }]);
    await nextTick();
    expect(fired).toBe(1);
    s.setProblems([]);
    await nextTick();
    expect(fired).toBe(2);
    expect(s.errorCount).toBe(0);
  });
});
