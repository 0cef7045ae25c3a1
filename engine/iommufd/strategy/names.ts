/**
 * The storage strategies a machine can run (issue 13, the study): the names
 * `lab.configure({ strategy })` and `pfnlab run --strategy` accept, and the
 * errors every strategy uses for what it cannot express.
 */
import { fail } from '../../base';

export const STRATEGY_NAMES = ['iommufd', 'iommufd+batch-api', 'naive', 'vfio-type1'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

export function isStrategyName(v: unknown): v is StrategyName {
  return typeof v === 'string' && (STRATEGY_NAMES as readonly string[]).includes(v);
}

/** The `strategy` machine option: EINVAL naming the valid ones. */
export function strategyArg(v: unknown, name = 'strategy'): StrategyName {
  if (!isStrategyName(v))
    fail(
      'EINVAL',
      `${name} must be one of ${STRATEGY_NAMES.map((s) => `'${s}'`).join(', ')}, got ${
        typeof v === 'string' ? JSON.stringify(v) : typeof v
      }`,
    );
  return v;
}

/** An operation the strategy has no counterpart for. */
export function unsupported(strategy: StrategyName, what: string, why: string): never {
  return fail('EOPNOTSUPP', `${what} is not supported under strategy '${strategy}': ${why}`);
}
