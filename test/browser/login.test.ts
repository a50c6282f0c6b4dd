/**
 * The hosted login pages in a real browser: Debian's Chromium (playwright-core) signs in to a
 * tiny local RP through the login and consent pages, and the RP's callback exchanges the code.
 * Screenshots land in test-output/screenshots/.
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, BrowserContextOptions, Page, Response } from 'playwright-core';
import { resetStores, startTestInstance, type TestInstance } from '../helpers/app.js';
import { CLIENT_SECRET, createAccount, createClient, PASSWORD } from '../helpers/fixtures.js';
import { discoverRp } from '../helpers/flow.js';
import { browserDescribe, launchChromium, screenshot, watchPage } from './chromium.js';
import { startRp, type TestRp } from './rp.js';

browserDescribe('hosted login pages in Chromium', () => {
  let t: TestInstance | undefined;
  let rp: TestRp | undefined;
  let browser: Browser | undefined;
  let accountId: string;
  let contexts: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    rp = await startRp();
    t = await startTestInstance();
    rp.config = await discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await rp?.close();
    await t?.close();
  });

  beforeEach(async () => {
    await resetStores(t!.runtime);
    accountId = (await createAccount(t!.runtime)).id;
    await createClient(t!.runtime, { redirect_uris: [rp!.callbackUrl], first_party: false });
  });

  afterEach(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    contexts = [];
  });

  /** A fresh context (no cookies, so no remembered language or session) with one page. */
  async function openPage(options: BrowserContextOptions = {}) {
    const context = await browser!.newContext({ locale: 'zh-TW', ...options });
    contexts.push(context);
    context.setDefaultTimeout(10_000);
    context.setDefaultNavigationTimeout(15_000);
    const page = await context.newPage();
    return { page, watch: watchPage(page) };
  }

  /** Opens a new authorization request of the RP; returns the response of the page it lands on. */
  async function startLogin(page: Page, extraParams: Record<string, string> = {}): Promise<Response> {
    const url = await rp!.begin(extraParams);
    const res = await page.goto(url.href);
    expect(res?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toMatch(/^\/interaction\/[^/]+$/);
    return res!;
  }

  const htmlLang = (page: Page) => page.locator('html').getAttribute('lang');

  async function submitCredentials(page: Page, username: string, password: string, submit: string) {
    await page.getByLabel(/^(帳號|Username)$/).fill(username);
    await page.getByLabel(/^(密碼|Password)$/).fill(password);
    await page.getByRole('button', { name: submit, exact: true }).click();
  }

  /** Waits for the RP's callback page and returns the sub and amr it shows. */
  async function rpResult(page: Page) {
    await page.waitForURL((u) => u.href.startsWith(`${rp!.callbackUrl}?`));
    expect(await page.locator('#error').allTextContents()).toEqual([]);
    return {
      sub: await page.locator('#sub').textContent(),
      amr: JSON.parse((await page.locator('#amr').textContent()) ?? 'null') as unknown,
    };
  }

  it('signs in through the zh-TW login and consent pages to the RP callback', async () => {
    const { page, watch } = await openPage();
    await startLogin(page);

    expect(await htmlLang(page)).toBe('zh-Hant-TW');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('登入');
    expect(await page.getByLabel('帳號', { exact: true }).isVisible()).toBe(true);
    expect(await page.getByLabel('密碼', { exact: true }).isVisible()).toBe(true);
    expect(await page.locator('.client-name').first().textContent()).toBe('校務系統');
    await screenshot(page, 'login-zh-TW');

    // Upper case with the school domain: the server lower-cases it and drops @kl.edu.tw.
    await submitCredentials(page, 'AA1234@kl.edu.tw', PASSWORD, '登入');

    const allow = page.getByRole('button', { name: '同意', exact: true });
    await allow.waitFor();
    expect(await htmlLang(page)).toBe('zh-Hant-TW');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('想要存取您的帳號');
    expect(await page.getByRole('button', { name: '拒絕', exact: true }).isVisible()).toBe(true);
    expect(await page.locator('.scope-list').textContent()).toContain('讀取您的電子郵件地址');
    await screenshot(page, 'consent');
    await allow.click();

    const result = await rpResult(page);
    expect(result.sub).toBe(accountId);
    expect(result.amr).toEqual(['pwd']);
    const claims = rp!.received.at(-1);
    expect(claims?.sub).toBe(accountId);
    expect(claims?.amr).toEqual(['pwd']);
    expect(claims?.preferred_username).toBe('aa1234');
    expect(watch.cspViolations).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
  });

  it('re-renders the form with an error and the typed username after a wrong password', async () => {
    const { page, watch } = await openPage();
    await startLogin(page);

    const posted = page.waitForResponse(
      (r) => r.request().method() === 'POST' && /\/password$/.test(r.url()),
    );
    await submitCredentials(page, 'aa1234', 'not the password', '登入');
    const res = await posted;
    expect(res.status()).toBeGreaterThanOrEqual(400);
    expect(res.status()).toBeLessThan(500);

    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('帳號或密碼錯誤。');
    expect(new URL(page.url()).pathname).toMatch(/^\/interaction\//);
    const username = page.getByLabel('帳號', { exact: true });
    expect(await username.inputValue()).toBe('aa1234');
    expect(await username.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('密碼', { exact: true }).inputValue()).toBe('');
    // The username is already there, so the password field takes the focus.
    expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe('password');
    await screenshot(page, 'login-error');

    await page.getByLabel('密碼', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: '登入', exact: true }).click();
    await page.getByRole('button', { name: '同意', exact: true }).click();
    const result = await rpResult(page);
    expect(result.sub).toBe(accountId);
    expect(result.amr).toEqual(['pwd']);
    expect(watch.cspViolations).toEqual([]);
  });

  it('switches to English with the language link, and follows ui_locales=en', async () => {
    const { page, watch } = await openPage();
    await startLogin(page);
    expect(await htmlLang(page)).toBe('zh-Hant-TW');

    await page.getByRole('link', { name: 'English', exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('lang') === 'en');
    expect(await htmlLang(page)).toBe('en');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
    expect(await page.getByLabel('Username', { exact: true }).isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'English', exact: true }).getAttribute('aria-current')).toBe(
      'true',
    );
    await screenshot(page, 'login-en');

    // The choice sticks for the rest of the interaction: the consent page is English too.
    await submitCredentials(page, 'aa1234', PASSWORD, 'Sign in');
    const allow = page.getByRole('button', { name: 'Allow', exact: true });
    await allow.waitFor();
    expect(await htmlLang(page)).toBe('en');
    await screenshot(page, 'consent-en');
    await allow.click();
    expect((await rpResult(page)).sub).toBe(accountId);

    const fresh = await openPage();
    await startLogin(fresh.page, { ui_locales: 'en' });
    expect(await htmlLang(fresh.page)).toBe('en');
    expect(await fresh.page.getByRole('button', { name: 'Sign in', exact: true }).isVisible()).toBe(true);
    expect(await fresh.page.getByLabel('Password', { exact: true }).isVisible()).toBe(true);
    expect(watch.cspViolations).toEqual([]);
    expect(fresh.watch.cspViolations).toEqual([]);
  });

  it('works with JavaScript disabled', async () => {
    const { page } = await openPage({ javaScriptEnabled: false });
    await startLogin(page);
    expect(await page.locator('script').count()).toBe(0);

    await submitCredentials(page, 'aa1234', PASSWORD, '登入');
    await page.getByRole('button', { name: '同意', exact: true }).click();
    const result = await rpResult(page);
    expect(result.sub).toBe(accountId);
    expect(result.amr).toEqual(['pwd']);
  });

  it('sends strict security headers and triggers no CSP violation', async () => {
    const { page, watch } = await openPage();
    const stylesheets: number[] = [];
    page.on('response', (r) => {
      if (new URL(r.url()).pathname.endsWith('.css')) stylesheets.push(r.status());
    });

    const checkHeaders = async (res: Response) => {
      const headers = await res.allHeaders();
      const csp = headers['content-security-policy'] ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(headers['cache-control']).toContain('no-store');
      expect(headers['x-frame-options']).toBe('DENY');
    };

    await checkHeaders(await startLogin(page));
    // The stylesheet is allowed by the policy and applies (the primary button is painted).
    expect(stylesheets).toEqual([200]);
    // (Browser-side code is passed as strings: the project compiles without the DOM lib.)
    expect(await page.evaluate<number>('document.styleSheets[0]?.cssRules.length ?? 0')).toBeGreaterThan(0);
    const submitBg = await page.evaluate<string>(
      "getComputedStyle(document.querySelector('button[type=submit]')).backgroundColor",
    );
    expect(submitBg).not.toBe('rgba(0, 0, 0, 0)');

    // The consent page, reached through the form POST and redirects, carries the same headers.
    const consent = page.waitForResponse((r) => r.request().isNavigationRequest() && r.status() === 200);
    await submitCredentials(page, 'aa1234', PASSWORD, '登入');
    await page.getByRole('button', { name: '同意', exact: true }).waitFor();
    await checkHeaders(await consent);

    expect(watch.cspViolations).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
  });
});
