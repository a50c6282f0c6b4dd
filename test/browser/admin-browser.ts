/**
 * The lifecycle the admin browser suites share: Chromium and a test instance per file, the
 * stores emptied before each test, and the contexts a test opened closed after it. Call
 * `useAdminBrowser()` inside a `browserDescribe` block; hooks the file registers later run
 * after these.
 */
import { afterAll, afterEach, beforeAll, beforeEach } from '@jest/globals';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { resetStores, startTestInstance, type TestInstance } from '../helpers/app.js';
import { PASSWORD } from '../helpers/fixtures.js';
import { launchChromium, watchPage } from './chromium.js';

export interface WatchedPage {
  page: Page;
  watch: ReturnType<typeof watchPage>;
}

export interface AdminBrowser {
  /** The running test instance (from beforeAll on). */
  instance(): TestInstance;
  /** The shared Chromium (from beforeAll on). */
  browser(): Browser;
  /** A zh-TW, 1280x900 context with a 10 s default timeout, closed after the test. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** One page in a new context (see newContext), watched for CSP violations and page errors. */
  newPage(options?: BrowserContextOptions): Promise<WatchedPage>;
  /**
   * Signs `username` in through /admin/login (and the OP's login page) in a new context, and
   * waits until the browser is back on `returnTo`.
   */
  signIn(username: string, returnTo: string, options?: BrowserContextOptions): Promise<WatchedPage>;
}

export function useAdminBrowser(env: Record<string, string> = {}): AdminBrowser {
  let t: TestInstance | undefined;
  let chromium: Browser | undefined;
  let contexts: BrowserContext[] = [];

  beforeAll(async () => {
    chromium = await launchChromium();
    t = await startTestInstance(env);
  }, 60_000);

  afterAll(async () => {
    await chromium?.close();
    await t?.close();
  });

  beforeEach(async () => {
    await resetStores(instance().runtime);
  });

  afterEach(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    contexts = [];
  });

  function instance(): TestInstance {
    if (!t) throw new Error('the test instance has not started (useAdminBrowser’s beforeAll failed?)');
    return t;
  }

  function browser(): Browser {
    if (!chromium) throw new Error('Chromium has not started (useAdminBrowser’s beforeAll failed?)');
    return chromium;
  }

  async function newContext(options: BrowserContextOptions = {}): Promise<BrowserContext> {
    const context = await browser().newContext({
      locale: 'zh-TW',
      viewport: { width: 1280, height: 900 },
      ...options,
    });
    contexts.push(context);
    context.setDefaultTimeout(10_000);
    return context;
  }

  async function newPage(options: BrowserContextOptions = {}): Promise<WatchedPage> {
    const context = await newContext(options);
    const page = await context.newPage();
    return { page, watch: watchPage(page) };
  }

  async function signIn(
    username: string,
    returnTo: string,
    options: BrowserContextOptions = {},
  ): Promise<WatchedPage> {
    const { page, watch } = await newPage(options);
    await page.goto(`${instance().issuer}/admin/login?return=${encodeURIComponent(returnTo)}`);
    await page.getByLabel('帳號', { exact: true }).fill(username);
    await page.getByLabel('密碼', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: '登入', exact: true }).click();
    await page.waitForURL((u) => u.pathname === returnTo);
    return { page, watch };
  }

  return { instance, browser, newContext, newPage, signIn };
}
