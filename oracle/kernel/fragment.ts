/**
 * The kernel config fragment (config.fragment): parse it, and verify that a
 * final .config holds every option as the fragment asked. Kconfig drops an
 * option whose dependencies are unmet without a word; the build must not.
 */

export interface FragmentOption {
  name: string;
  /** 'n' for `# CONFIG_X is not set`. */
  value: string;
  line: number;
}

const SET = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/;
const UNSET = /^# (CONFIG_[A-Za-z0-9_]+) is not set$/;

/** The fragment's options in order; throws on a line that is neither an option nor a comment. */
export function parseFragment(text: string): FragmentOption[] {
  const out: FragmentOption[] = [];
  const seen = new Set<string>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const set = SET.exec(line);
    const unset = UNSET.exec(line);
    if (!set && !unset) {
      if (line.startsWith('#')) return;
      throw new Error(`config.fragment line ${i + 1}: not an option: ${raw}`);
    }
    const name = set ? set[1] : unset![1];
    if (seen.has(name)) throw new Error(`config.fragment line ${i + 1}: ${name} given twice`);
    seen.add(name);
    out.push({ name, value: set ? set[2] : 'n', line: i + 1 });
  });
  return out;
}

/** Values in a .config: options set, and `is not set` ones as 'n'. */
export function parseDotConfig(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const set = SET.exec(line);
    if (set) m.set(set[1], set[2]);
    else {
      const unset = UNSET.exec(line);
      if (unset) m.set(unset[1], 'n');
    }
  }
  return m;
}

export interface Mismatch {
  name: string;
  wanted: string;
  /** undefined when the .config does not mention the option at all (unmet dependency). */
  got: string | undefined;
}

/** Fragment options whose final value differs from the request. Absent counts as 'n'. */
export function verifyConfig(fragment: readonly FragmentOption[], dotConfig: string): Mismatch[] {
  const cfg = parseDotConfig(dotConfig);
  const bad: Mismatch[] = [];
  for (const opt of fragment) {
    const got = cfg.get(opt.name);
    if ((got ?? 'n') !== opt.value) bad.push({ name: opt.name, wanted: opt.value, got });
  }
  return bad;
}

export function describeMismatches(bad: readonly Mismatch[]): string {
  return bad
    .map((b) => `${b.name}: wanted ${b.wanted}, got ${b.got ?? 'absent (a dependency is not met)'}`)
    .join('\n');
}

/** The fragment as lines appended to a tinyconfig .config (Kconfig keeps the last assignment). */
export function fragmentAssignments(fragment: readonly FragmentOption[]): string {
  return (
    fragment.map((o) => (o.value === 'n' ? `# ${o.name} is not set` : `${o.name}=${o.value}`)).join('\n') +
    '\n'
  );
}
