/** Entry point of strategy/: the backend Machine delegates to (null: the iommufd engine itself). */
import { Backend } from './backend';
import { NaiveIoas } from './naive';
import type { StrategyName } from './names';
import type { BackendEnv, StrategyBackend } from './types';
import { Type1Ioas } from './vfio-type1';

export { STRATEGY_NAMES, strategyArg, isStrategyName, type StrategyName } from './names';
export type { StrategyBackend, StrategyIommufd } from './types';

export function createBackend(name: StrategyName, env: BackendEnv): StrategyBackend | null {
  if (name === 'naive') return new Backend(name, env, (ctx, id) => new NaiveIoas(ctx, id));
  if (name === 'vfio-type1') return new Backend(name, env, (ctx, id) => new Type1Ioas(ctx, id));
  return null;
}
