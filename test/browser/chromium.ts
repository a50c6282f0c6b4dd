/**
 * Debian's Chromium driven by playwright-core (which ships no browser of its own). Suites use
 * `browserDescribe`: without /usr/bin/chromium they are skipped with a warning locally, and fail
 * in CI (CI=true) so a missing browser cannot silently turn the suite green.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe } from '@jest/globals';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM_PATH);
const inCi = process.env.CI === 'true';

export const MISSING_CHROMIUM = `${CHROMIUM_PATH} not found; install it with: apt-get update && apt-get install -y chromium`;

if (!hasChromium && !inCi) console.warn(`Skipping the browser tests: ${MISSING_CHROMIUM}`);

/** describe, or describe.skip when Chromium is missing outside CI. */
export const browserDescribe = hasChromium || inCi ? describe : describe.skip;

export async function launchChromium(): Promise<Browser> {
  if (!hasChromium) throw new Error(MISSING_CHROMIUM);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    timeout: 20_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Collects console messages about Content Security Policy violations, and uncaught page errors. */
export function watchPage(page: Page): { cspViolations: string[]; pageErrors: string[] } {
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];
  page.on('console', (msg) => {
    if (msg.text().includes('Content Security Policy')) cspViolations.push(msg.text());
  });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  return { cspViolations, pageErrors };
}

export const SCREENSHOT_DIR = join(process.cwd(), 'test-output', 'screenshots');

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
