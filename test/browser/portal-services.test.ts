/**
 * 服務 in Chromium: the portal page /account/services (啟用 → GO, 停用 with its confirmation),
 * with and without JavaScript, and the activation page of a login to an RP whose service must
 * be activated first.
 */
import { expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { createMember, seedDirectory } from '../helpers/admin.js';
import { CLIENT_SECRET, createClient, PASSWORD } from '../helpers/fixtures.js';
import { discoverRp } from '../helpers/flow.js';
import { useAdminBrowser } from './admin-browser.js';
import { browserDescribe, screenshot } from './chromium.js';
import { startRp } from './rp.js';

browserDescribe('服務 in Chromium', () => {
  const b = useAdminBrowser();

  async function setup() {
    const runtime = b.instance().runtime;
    const dir = await seedDirectory(runtime);
    const student = await createMember(runtime, {
      username: 'student-a',
      schoolId: dir.schoolA,
      identityType: 'student',
    });
    await runtime.db('services').insert([
      {
        name_zh: 'TANet 無線網路漫遊',
        name_en: 'TANet wireless roaming',
        icon: 'wifi',
        description_zh: '在各級學校使用 TANet 無線網路漫遊。',
        go_url: 'https://roam.example.edu.tw/',
        sort_order: 1,
      },
      {
        name_zh: '雲端硬碟',
        name_en: 'ownCloud cloud drive',
        icon: 'cloud',
        go_url: 'https://cloud.example.edu.tw/',
        sort_order: 2,
      },
      // not for students: never listed for this account
      { name_zh: '教師專區', identity_types: ['teacher'], sort_order: 3 },
    ]);
    return { student };
  }

  async function signInAt(page: Page, path: string) {
    await page.goto(`${b.instance().issuer}${path}`);
    expect(new URL(page.url()).pathname).toMatch(/^\/interaction\//);
    await page.getByLabel('帳號', { exact: true }).fill('student-a');
    await page.getByLabel('密碼', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: '登入', exact: true }).click();
    await page.waitForURL((u) => u.pathname === path);
  }

  for (const javaScriptEnabled of [true, false]) {
    it(`activates from the portal, shows GO, and deactivates after confirming (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      const { student } = await setup();
      const { page, watch } = await b.newPage({ javaScriptEnabled });
      await signInAt(page, '/account/services');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('服務');
      expect(await page.locator('.service-card__name').allTextContents()).toEqual([
        'TANet 無線網路漫遊',
        '雲端硬碟',
      ]);
      expect(await page.getByRole('link', { name: /^前往/ }).count()).toBe(0);
      // the portal's menu marks 服務 as the current section
      const current = page.locator('.portal-nav [aria-current="page"]');
      expect(await current.textContent()).toBe('服務');

      await page.getByRole('button', { name: '啟用 雲端硬碟', exact: true }).click();
      await page.waitForURL((u) => u.searchParams.get('done') === 'activated');
      expect(await page.getByRole('status').first().textContent()).toContain('已啟用服務。');
      const go = page.getByRole('link', { name: '前往 雲端硬碟', exact: true });
      expect(await go.getAttribute('href')).toBe('https://cloud.example.edu.tw/');
      expect(await go.textContent()).toBe('GO');
      // the other service is still waiting for its 啟用
      expect(
        await page.getByRole('button', { name: '啟用 TANet 無線網路漫遊', exact: true }).isVisible(),
      ).toBe(true);
      const [row] = await b.instance().runtime.db('service_activations').where({ account_id: student.id });
      expect(row.deactivated_at).toBeNull();
      if (javaScriptEnabled) await screenshot(page, 'portal-services-active');

      await page.getByRole('link', { name: '停用 雲端硬碟', exact: true }).click();
      await page.waitForURL((u) => u.pathname.endsWith('/deactivate'));
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('停用服務');
      if (javaScriptEnabled) await screenshot(page, 'portal-services-deactivate');
      await page.getByRole('button', { name: '確定停用', exact: true }).click();
      await page.waitForURL((u) => u.searchParams.get('done') === 'deactivated');
      expect(await page.getByRole('button', { name: '啟用 雲端硬碟', exact: true }).isVisible()).toBe(true);
      const history = await b.instance().runtime.db('service_activations').where({ account_id: student.id });
      expect(history).toHaveLength(1);
      expect(history[0].deactivated_at).toBeInstanceOf(Date);

      expect(watch.cspViolations).toEqual([]);
      expect(watch.pageErrors).toEqual([]);
    });
  }

  it('shows the activation page at the RP’s login, then continues to the RP', async () => {
    await setup();
    const runtime = b.instance().runtime;
    const rp = await startRp();
    try {
      await createClient(runtime, { redirect_uris: [rp.callbackUrl], first_party: true });
      await runtime.db('services').where({ name_zh: '雲端硬碟' }).update({ client_id: 'school-app' });
      rp.config = await discoverRp(b.instance().issuer, {
        clientId: 'school-app',
        clientSecret: CLIENT_SECRET,
      });
      const { page, watch } = await b.newPage();
      await page.goto((await rp.begin()).href);
      await page.getByLabel('帳號', { exact: true }).fill('student-a');
      await page.getByLabel('密碼', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: '登入', exact: true }).click();
      await page.waitForURL((u) => /^\/interaction\/[^/]+$/.test(u.pathname));
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('請先啟用「雲端硬碟」');
      await screenshot(page, 'service-activation-login');
      await page.getByRole('button', { name: '啟用並繼續', exact: true }).click();
      await page.waitForURL((u) => u.href.startsWith(rp.callbackUrl));
      expect(rp.received).toHaveLength(1);
      expect(watch.cspViolations).toEqual([]);
    } finally {
      await rp.close();
    }
  });
});
