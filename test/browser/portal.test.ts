/**
 * The user portal in Chromium: signed in through the OP's login page, the 紀錄 filters and
 * pagination driven with the selects and links (with JavaScript and without), and 資料 with
 * its forms. Login records come from real logins through a real RP (openid-client) at several
 * addresses and browsers. Screenshots: test-output/screenshots/portal-*.png.
 */
import { beforeEach, expect, it } from '@jest/globals';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { CLIENT_SECRET, createAccount, createClient, PASSWORD } from '../helpers/fixtures.js';
import { discoverRp, loginAndGetTokens } from '../helpers/flow.js';
import { HttpAgent } from '../helpers/http-agent.js';
import { useAdminBrowser } from './admin-browser.js';
import { browserDescribe, screenshot } from './chromium.js';

const UA = {
  android:
    'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36',
  iphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
};

class Device extends HttpAgent {
  constructor(
    base: string,
    userAgent: string,
    private readonly ip: string,
  ) {
    super(base, userAgent);
  }

  override request(url: string, init: Parameters<HttpAgent['request']>[1] = {}) {
    return super.request(url, { ...init, headers: { 'x-forwarded-for': this.ip, ...init.headers } });
  }
}

browserDescribe('user portal in Chromium', () => {
  const b = useAdminBrowser({ TRUST_PROXY: 'true' });
  const issuer = () => b.instance().issuer;

  beforeEach(async () => {
    const { runtime } = b.instance();
    await createAccount(runtime);
    await createClient(runtime);
    const rp = await discoverRp(issuer(), { clientId: 'school-app', clientSecret: CLIENT_SECRET });
    // 12 phone logins and 3 iPhone logins through the RP, from different addresses
    for (let i = 0; i < 12; i++) {
      const agent = new Device(issuer(), UA.android, `198.51.100.${i + 1}`);
      await loginAndGetTokens(issuer(), rp, { username: 'aa1234', password: PASSWORD, agent });
    }
    for (let i = 0; i < 3; i++) {
      const agent = new Device(issuer(), UA.iphone, `192.0.2.${i + 1}`);
      await loginAndGetTokens(issuer(), rp, { username: 'aa1234', password: PASSWORD, agent });
    }
    await runtime.writer.flush();
  }, 60_000);

  async function signIn(path: string, options: BrowserContextOptions = {}) {
    const { page, watch } = await b.newPage(options);
    await page.goto(`${issuer()}${path}`);
    await page.getByLabel('帳號', { exact: true }).fill('aa1234');
    await page.getByLabel('密碼', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: '登入', exact: true }).click();
    await page.waitForURL((u) => u.pathname === path.split('?')[0]);
    await b.instance().runtime.writer.flush();
    return { page, watch };
  }

  const range = (page: Page) => page.locator('.pagination__range').first().textContent();
  const tableRows = (page: Page) => page.locator('main table.data-table tbody tr');

  for (const javaScriptEnabled of [true, false]) {
    it(`filters and pages 紀錄 with the selects and links (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      const { page, watch } = await signIn('/account/logins', { javaScriptEnabled });
      await page.reload();
      // 15 RP logins and the portal's own sign-in
      expect(await range(page)).toBe('1 - 10 / 16 (16)');
      expect(await tableRows(page).count()).toBe(10);
      expect(await page.getByRole('link', { name: '紀錄', exact: true }).getAttribute('aria-current')).toBe(
        'page',
      );
      if (javaScriptEnabled) await screenshot(page, 'portal-logins');

      await page.getByLabel('系統', { exact: true }).selectOption('iOS 17.1');
      await page.getByRole('button', { name: '篩選', exact: true }).click();
      await page.waitForURL((u) => u.searchParams.get('os') === 'iOS 17.1');
      expect(await range(page)).toBe('1 - 3 / 3 (16)');
      expect(await tableRows(page).locator('td:nth-child(5)').allTextContents()).toEqual([
        '192.0.2.3',
        '192.0.2.2',
        '192.0.2.1',
      ]);

      await page.getByRole('link', { name: /重設篩選/ }).click();
      await page.waitForURL((u) => u.search === '');
      expect(await range(page)).toBe('1 - 10 / 16 (16)');

      await page.getByLabel('IP 位址', { exact: true }).fill('198.51.100.0/24');
      await page.getByLabel('成功', { exact: true }).selectOption('yes');
      await page.getByRole('button', { name: '篩選', exact: true }).click();
      await page.waitForURL((u) => u.searchParams.get('ip') === '198.51.100.0/24');
      expect(await range(page)).toBe('1 - 10 / 12 (16)');
      await page.getByRole('link', { name: '2', exact: true }).first().click();
      await page.waitForURL((u) => u.searchParams.get('page') === '2');
      expect(await range(page)).toBe('11 - 12 / 12 (16)');
      expect(await page.getByLabel('IP 位址', { exact: true }).inputValue()).toBe('198.51.100.0/24');
      await page.getByRole('link', { name: '25', exact: true }).first().click();
      await page.waitForURL((u) => u.searchParams.get('size') === '25');
      expect(await range(page)).toBe('1 - 12 / 12 (16)');

      // 操作紀錄 of the newest phone login
      await page.getByRole('link', { name: '操作紀錄' }).first().click();
      await page.waitForURL((u) => /^\/account\/logins\/[0-9a-f-]{36}$/.test(u.pathname));
      const detail = await page.locator('main').textContent();
      expect(detail).toContain('校務系統');
      expect(detail).toContain('發出權杖');
      if (javaScriptEnabled) await screenshot(page, 'portal-operations');
      expect(watch.cspViolations).toEqual([]);
      expect(watch.pageErrors).toEqual([]);
    }, 60_000);
  }

  it('shows 站點 and 資料, signs other sessions out and changes the password (JavaScript off)', async () => {
    const { page, watch } = await signIn('/account', { javaScriptEnabled: false });
    const home = await page.locator('main').textContent();
    expect(home).toContain('王小明，您好');
    expect(home).toContain('最近登入');
    await screenshot(page, 'portal-home');

    await page.locator('.portal-nav').getByRole('link', { name: '資料', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/account/profile');
    expect(await page.locator('main').textContent()).toContain('（目前這個）');
    await screenshot(page, 'portal-profile');

    expect(await page.locator('section[aria-labelledby="sessions"] tbody tr').count()).toBe(16);
    await page.getByRole('button', { name: '登出其他工作階段', exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('done') === 'sessions');
    expect(await page.getByRole('status').textContent()).toContain('已登出其他 15 個工作階段');
    expect(await page.locator('main').textContent()).toContain('沒有其他登入中的工作階段');
    expect(await page.locator('section[aria-labelledby="sessions"] tbody tr').count()).toBe(1);
    await screenshot(page, 'portal-profile-signed-out-others');

    await page.getByLabel('目前的密碼', { exact: true }).fill('wrong password');
    await page.getByLabel('新密碼', { exact: true }).fill('a new long passphrase 42');
    await page.getByLabel('再輸入一次新密碼', { exact: true }).fill('a new long passphrase 42');
    await page.getByRole('button', { name: '變更密碼', exact: true }).click();
    expect(await page.getByRole('alert').textContent()).toContain('目前的密碼不正確');
    expect(await page.getByLabel('目前的密碼', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('目前的密碼', { exact: true }).fill(PASSWORD);
    await page.getByLabel('新密碼', { exact: true }).fill('a new long passphrase 42');
    await page.getByLabel('再輸入一次新密碼', { exact: true }).fill('a new long passphrase 42');
    await page.getByRole('button', { name: '變更密碼', exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('done') === 'password');
    expect(await page.getByRole('status').textContent()).toContain('密碼已變更，其他裝置上的登入已一併登出');
    // this browser is still signed in
    expect(await page.locator('section[aria-labelledby="sessions"] tbody tr').count()).toBe(1);

    await page.locator('.portal-nav__logout button').click();
    await page.waitForURL((u) => u.pathname.includes('/session/end') || u.pathname.includes('logout'));
    await page.getByRole('button', { name: '登出', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/account/signed-out');
    expect(await page.locator('main').textContent()).toContain('已登出');
    expect(watch.cspViolations).toEqual([]);
  }, 60_000);

  it('reads in English', async () => {
    const { page } = await signIn('/account/logins');
    await page.getByRole('link', { name: 'English', exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('lang') === 'en');
    expect(await page.locator('main').textContent()).toContain('Reset filters');
    expect(await page.getByRole('link', { name: 'Logins', exact: true }).getAttribute('aria-current')).toBe(
      'page',
    );
    await screenshot(page, 'portal-logins-en');
  }, 60_000);
});
