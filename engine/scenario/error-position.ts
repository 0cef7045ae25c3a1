/**
 * Which of a thrown error's scenario frames the user should look at first
 * (RunError.line/column; the frames themselves are RunError.frames):
 *
 * - a LabError from a `lab` call: the call (the innermost scenario frame);
 * - an error the scenario constructs itself (`throw new Error(…)`) inside
 *   one of its functions: the first frame outside that function — the line
 *   that called the `expect()`-style helper — or the throw itself when it is
 *   at the top level;
 * - any other error (a TypeError of the scenario's own code, a RangeError of
 *   a built-in it called): the innermost scenario frame, where it happened.
 */
import type { ScenarioFrame, SourceLocator, SourcePosition } from './source-position';

const NOWHERE: SourcePosition = { line: 0, column: 0 };

/** Source text that constructs an error: `new X(…)`, or `XError(…)` without new. */
const CONSTRUCTS = /^(?:new\b|[A-Za-z_$][\w$]*Error\s*\()/;

function at(f: ScenarioFrame | undefined): SourcePosition {
  return f ? { line: f.line, column: f.column } : NOWHERE;
}

/** Two frames of one named function (recursion); unnamed functions cannot be told apart. */
function sameFunction(a: ScenarioFrame, b: ScenarioFrame): boolean {
  return a.fn === b.fn && a.fn !== '' && a.fn !== '<anonymous>';
}

/** The innermost scenario frame (a lab call, a runtime error). */
export function innermost(frames: readonly ScenarioFrame[]): SourcePosition {
  return at(frames[0]);
}

/** The position to show for an error thrown by the scenario's own code. */
export function scenarioThrowPosition(
  frames: readonly ScenarioFrame[],
  locator: SourceLocator,
): SourcePosition {
  // past the constructors of Error subclasses: their frames sit at `super(…)`
  let k = 0;
  while (k < frames.length && (frames[k] as ScenarioFrame).fn.startsWith('new ')) {
    if (CONSTRUCTS.test(locator.sourceText(frames[k] as ScenarioFrame))) break;
    k++;
  }
  const thrower = frames[k];
  if (!thrower || !CONSTRUCTS.test(locator.sourceText(thrower))) return innermost(frames);
  for (let i = k + 1; i < frames.length; i++) {
    const f = frames[i] as ScenarioFrame;
    if (!sameFunction(f, thrower)) return at(f);
  }
  return at(thrower);
}
