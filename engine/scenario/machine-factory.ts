/** The real engine behind `lab`: a fresh engine/iommufd Machine per run. */
import { Machine } from '../iommufd/machine';
import type { EngineMachine, MachineFactory } from './engine-types';

export const createMachine: MachineFactory = (opts): EngineMachine => new Machine({ seed: opts.seed });
