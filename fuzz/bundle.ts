/**
 * Load a fuzz entry point from an esbuild bundle instead of through tsx:
 * tsx turns every import into a getter call and wraps closures in a naming
 * helper, which made the fuzzer's per-page loops about twice as slow. The
 * bundle (all of fuzz/ and engine/ it reaches, inline source map) goes to a
 * fresh temporary directory per process, so parallel runs never share one.
 * PFNLAB_FUZZ_NO_BUNDLE=1, or esbuild failing, loads the module directly.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export async function importBundled<T>(entry: string, direct: () => Promise<T>): Promise<T> {
  if (process.env.PFNLAB_FUZZ_NO_BUNDLE === '1') return direct();
  let code: string;
  try {
    const { build } = await import('esbuild');
    const r = await build({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcemap: 'inline',
      sourcesContent: false,
      write: false,
      logLevel: 'silent',
    });
    code = r.outputFiles[0].text;
  } catch (e) {
    process.stderr.write(
      `fuzz: no bundle (${e instanceof Error ? e.message.split('\n')[0] : String(e)}), running through tsx\n`,
    );
    return direct();
  }
  const dir = mkdtempSync(join(tmpdir(), 'pfnlab-fuzz-'));
  try {
    const file = join(dir, 'entry.mjs');
    writeFileSync(file, code);
    // engine errors then name the .ts lines
    process.setSourceMapsEnabled(true);
    return (await import(pathToFileURL(file).href)) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
