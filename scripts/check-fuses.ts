/**
 * `npx tsx scripts/check-fuses.ts [dist]`: reads the fuse wire of every
 * packaged app electron-builder left in dist/ (linux-unpacked, win-unpacked,
 * mac*: the executable, or the .app) and checks each fuse that
 * build/electron-builder.yml sets. Run by the release workflow after the
 * installers are built, so a packaging change that drops the fuses fails there.
 * Prints one line per app and the closing "N passed, N failed".
 */
import { join } from 'node:path';
import { fuseMismatches, packagedApps } from './fuse-check';
import { ROOT, configuredFuses, loadBuilderConfig } from './packaging-config';

async function main(): Promise<number> {
  const dist = process.argv[2] ?? join(ROOT, 'dist');
  const config = loadBuilderConfig();
  if (configuredFuses(config).length === 0) {
    console.log('FAIL build/electron-builder.yml sets no electronFuses');
    console.log('0 passed, 1 failed');
    return 1;
  }
  const apps = packagedApps(dist, config);
  let passed = 0;
  for (const app of apps) {
    const bad = await fuseMismatches(app, config);
    if (bad.length === 0) passed++;
    console.log(
      `${bad.length === 0 ? 'ok  ' : 'FAIL'} fuses of ${app}${bad.length ? `: ${bad.join('; ')}` : ''}`,
    );
  }
  if (apps.length === 0) console.log(`FAIL no packaged app under ${dist}`);
  const failed = Math.max(apps.length - passed, apps.length === 0 ? 1 : 0);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
