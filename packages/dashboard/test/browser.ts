/**
 * Browser tests' harness: Debian's Chromium driven by playwright-core, a fresh profile per
 * browser, every request the page makes recorded (so a test can prove none leaves the system),
 * and screenshots under test-results/screenshots (ignored by git).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { repoRoot } from '@agora/tools/paths';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const screenshotDir = join(repoRoot, 'test-results', 'screenshots');

export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** every URL the page requested, in order */
  readonly requests: string[];
  /** saves test-results/screenshots/<name>.png */
  screenshot(name: string): Promise<void>;
}

export async function openBrowser(options: { width?: number; height?: number } = {}): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`No Chromium at ${chromiumPath}: install Debian's package (apt-get install -y chromium)`);
  }
  const profile = await mkdtemp(join(tmpdir(), 'agora-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumFlags,
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  after(async () => {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  });
  const requests: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  const page = context.pages()[0] ?? (await context.newPage());
  await mkdir(screenshotDir, { recursive: true });
  return {
    context,
    page,
    requests,
    screenshot: async (name) => {
      await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
    },
  };
}

export interface AccessibilityViolation {
  readonly rule: string;
  readonly impact: string | null;
  readonly targets: string[];
}

/** Runs axe-core (WCAG 2 A and AA rules) on the page as it is now. */
export async function accessibilityViolations(page: Page): Promise<AccessibilityViolation[]> {
  const { readFile } = await import('node:fs/promises');
  const { createRequire } = await import('node:module');
  const source = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  // Evaluated through the DevTools protocol, which the page's CSP does not govern.
  await page.evaluate(source);
  return (await page.evaluate(`axe
    .run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] })
    .then((result) => result.violations.map((violation) => ({
      rule: violation.id,
      impact: violation.impact,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    })))`)) as AccessibilityViolation[];
}

/**
 * One Chromium for a whole test file, each user in a context of their own (separate storage, so
 * separate sessions): a context costs milliseconds, a browser a second and a core.
 */
export async function launchChromium() {
  if (!existsSync(chromiumPath)) {
    throw new Error(`No Chromium at ${chromiumPath}: install Debian's package (apt-get install -y chromium)`);
  }
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumFlags });
  after(() => browser.close());
  await mkdir(screenshotDir, { recursive: true });
  return {
    async context(options: { width?: number; height?: number } = {}): Promise<Browser> {
      const context = await browser.newContext({
        viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
        locale: 'en-GB',
        timezoneId: 'UTC',
      });
      const requests: string[] = [];
      context.on('request', (request) => requests.push(request.url()));
      const page = await context.newPage();
      return {
        context,
        page,
        requests,
        screenshot: async (name) => {
          await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
        },
      };
    },
  };
}
