/**
 * Deterministic replay: the scenario again with the same source, seed and
 * storage strategy (RunParams.strategy; one set by lab.configure is in the source), up
 * to a step (stopAfter), digests off and no per-call stack capture (the
 * recorded events already hold the call sites). Same seed and options give
 * the same machine state at every step.
 */
import type { EngineMachine } from '../scenario/engine-types';
import { machineFactoryFor } from '../scenario/machine-factory';
import { runScenario } from '../scenario/runner';
import type { ReplaySpec } from './sessions';

export async function replayTo(spec: ReplaySpec, step: number): Promise<EngineMachine> {
  const { result, machine } = await runScenario(machineFactoryFor(spec.strategy), {
    source: spec.source,
    fileName: spec.fileName,
    seed: spec.seed,
    digests: false,
    keepEvents: false,
    stopAfter: step,
    replay: true,
  });
  if (machine === null || result.ops !== step)
    // an engine bug (nondeterminism): EINTERNAL
    throw new Error(
      `replay did not reach step ${step} (${result.ops} events${result.error ? `: ${result.error.message}` : ''})`,
    );
  return machine;
}
