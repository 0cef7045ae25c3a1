/**
 * The scenario sandbox: a SES Compartment whose only endowments are the
 * hardened `lab` facade and a console that writes to the run log. The realm
 * must already be locked down (engine/worker/lockdown.ts in the worker; the
 * tests and the CLI do the same before loading engine code): then every
 * intrinsic the scenario can reach is frozen, the Compartment's Date and Math
 * have no clock and no ambient randomness, `Function` cannot reach the host's
 * globalThis, and `import(...)` is rejected before evaluation.
 */
import 'ses';

/** The global the injected call sites call (call-sites.ts): scenarios need not know it. */
export const SITE_HOOK = '__pfnlabSite';

export interface Endowments {
  lab: object;
  console: object;
  /** The call-site hook, installed as the global SITE_HOOK. */
  site?: (k: unknown, v: unknown) => unknown;
}

/** Whether lockdown() has frozen this realm's primordials. */
export function isLockedDown(): boolean {
  return Object.isFrozen(Object.prototype) && Object.isFrozen(Function.prototype);
}

/**
 * Evaluate scenario JavaScript. `sourceUrl` names the script in stack traces
 * (`//# sourceURL=`), so that errors keep scenario line:column positions.
 * Returns the script's completion value.
 */
export function evaluateInSandbox(code: string, sourceUrl: string, endowments: Endowments): unknown {
  if (!isLockedDown()) {
    throw new Error('the scenario sandbox needs SES lockdown() to have run in this realm first');
  }
  const globals: Record<string, unknown> = { lab: endowments.lab, console: endowments.console };
  if (endowments.site !== undefined) globals[SITE_HOOK] = endowments.site;
  harden(globals);
  const compartment = new Compartment(globals, {}, { name: sourceUrl });
  return compartment.evaluate(`${code}\n//# sourceURL=${sourceUrl}\n`);
}
