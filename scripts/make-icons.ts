/**
 * `npm run icons`: rasterize build/icon.svg into every icon the installers
 * need, in build/icons/:
 *   NxN.png for N in ICON_SIZES (Linux takes the folder: AppImage, deb, rpm),
 *   icon.ico (Windows: NSIS and the executable; 16…256 px),
 *   icon.icns (macOS: the .app and the dmg; 16…1024 px incl. @2x).
 * Rasterized by Debian's Chromium through playwright-core (as the e2e tests
 * are), so the SVG renders exactly as a browser draws it. The outputs are
 * committed; rerun after changing the SVG.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, FLAGS } from '../tests/e2e/lib/harness.mjs';
import { encodeIcns, encodeIco, pngSize } from './icon-containers';
import { ICO_SIZES, ICON_SIZES } from './icon-sizes';

const root = fileURLToPath(new URL('..', import.meta.url));
const svg = readFileSync(`${root}build/icon.svg`);
const outDir = `${root}build/icons`;
mkdirSync(outDir, { recursive: true });

const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
const pngs = new Map<number, Uint8Array>();
try {
  const src = `data:image/svg+xml;base64,${svg.toString('base64')}`;
  for (const size of ICON_SIZES) {
    const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
    await page.setContent(
      `<!doctype html><html><body style="margin:0;background:transparent">` +
        `<img id="i" src="${src}" width="${size}" height="${size}" style="display:block"></body></html>`,
    );
    // Wait until the SVG is decoded (the callback runs in the page: a DOM HTMLImageElement).
    await page.locator('#i').evaluate((img) => (img as unknown as { decode(): Promise<void> }).decode());
    const png = new Uint8Array(await page.screenshot({ omitBackground: true, type: 'png' }));
    const got = pngSize(png);
    if (got.width !== size || got.height !== size)
      throw new Error(`${size} px came out ${got.width}x${got.height}`);
    pngs.set(size, png);
    writeFileSync(`${outDir}/${size}x${size}.png`, png);
    await page.close();
  }
} finally {
  await browser.close();
}

writeFileSync(`${outDir}/icon.ico`, encodeIco(ICO_SIZES.map((s) => pngs.get(s) as Uint8Array)));
writeFileSync(`${outDir}/icon.icns`, encodeIcns(pngs));
console.log(`build/icons: ${ICON_SIZES.map((s) => `${s}x${s}.png`).join(' ')} icon.ico icon.icns`);
