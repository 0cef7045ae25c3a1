/**
 * Tests of this folder import this first: SES lockdown() with the options of
 * engine/worker/lockdown.ts (the worker's), before any engine module loads.
 */
import 'ses';

if (!Object.isFrozen(Object.prototype)) {
  lockdown({
    errorTaming: 'unsafe',
    overrideTaming: 'severe',
    consoleTaming: 'unsafe',
    stackFiltering: 'verbose',
    evalTaming: 'safe-eval',
  });
}
