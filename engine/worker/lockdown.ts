/**
 * First module the worker entry imports: SES lockdown() before any engine
 * code loads, so that the engine (and later every scenario Compartment) runs
 * with frozen primordials. Imported for its side effect only.
 */
import 'ses';

lockdown({
  errorTaming: 'unsafe',
  overrideTaming: 'severe',
  consoleTaming: 'unsafe',
  stackFiltering: 'verbose',
});
