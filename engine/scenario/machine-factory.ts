/** The real engine behind `lab`: a fresh engine/iommufd Machine per run. */
import { Machine } from '../iommufd/machine';
import { strategyArg } from '../iommufd/strategy';
import type { EngineIommufd, EngineMachine, MachineFactory } from './engine-types';

export const createMachine: MachineFactory = (opts): EngineMachine => new Machine({ seed: opts.seed });

/** Machines of one storage strategy (`pfnlab run --strategy`); undefined → createMachine. EINVAL for an unknown name. */
export function machineFactoryFor(strategy: unknown): MachineFactory {
  if (strategy === undefined) return createMachine;
  const s = strategyArg(strategy, 'params.strategy');
  return (opts): EngineMachine => new Machine<EngineIommufd>({ seed: opts.seed, strategy: s });
}
