/**
 * Why a scenario run ended badly, as the CLI and the app show it: the errno
 * (a kernel errno name, or a runtime kind such as 'SyntaxError', 'BUDGET'),
 * the message, and where in the scenario (1-based line and column; 0 when
 * unknown).
 */
export class ScenarioError extends Error {
  constructor(
    readonly kind: string,
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'ScenarioError';
  }
}
