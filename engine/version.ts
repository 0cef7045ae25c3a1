/**
 * The engine's version, reported by the worker's `version` request and shown
 * in the app's header. A plain constant: nothing host-specific is read.
 */
export const ENGINE_VERSION = '0.1.0';

/** Version of the scenario API contract (SCENARIO-API.md) this engine implements. */
export const SCENARIO_API_VERSION = 1;
