// Headless Chromium for the viewer tests, the browser bench and scripts/viewer-screenshot.mjs:
// Debian's `chromium` through playwright-core (never a downloaded browser). Test code only.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.FLOWSEG_CHROMIUM ?? '/usr/bin/chromium';

/** --disable-gpu: no GPU here; WebGL2 still runs (SwiftShader, in software), WebGPU has no adapter. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Why a browser test cannot run here, or false. */
export function chromiumMissing(): string | false {
  return existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing: install it with \`bash scripts/setup.sh --with-browser\` (npm test does)`;
}

/** A fresh persistent profile under `dir` (closed with the context). */
export async function launchChromium(dir: string, viewport = { width: 1360, height: 900 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.launchPersistentContext(join(dir, 'profile'), { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, viewport });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

/** Opens the viewer and waits until it has loaded its model (or failed to). */
export async function openViewer(page: Page, url: string, timeout = 180_000): Promise<void> {
  await page.goto(url);
  await page.waitForFunction('window.__flowseg && window.__flowseg.ready', undefined, { timeout });
}
