/**
 * 登入紀錄 in a real browser with JavaScript disabled: a school admin filters the school's
 * records (success, IPv6 network), pages older and newer through keyset links, sees a bad CIDR
 * re-rendered with its message, and downloads the CSV export. Screenshot: admin-login-records.png.
 */
import { readFile } from 'node:fs/promises';
import { expect, it } from '@jest/globals';
import { createLoginRecorder } from '../../src/services/login-records.js';
import { createMember } from '../helpers/admin.js';
import { seedOrgs } from '../helpers/admin-orgs.js';
import { useAdminBrowser } from './admin-browser.js';
import { browserDescribe, screenshot } from './chromium.js';

browserDescribe('admin login records in Chromium', () => {
  const { instance, signIn } = useAdminBrowser();

  async function seed() {
    const rt = instance().runtime;
    const o = await seedOrgs(rt);
    const b = await createMember(rt, { username: 'student-b', schoolId: o.schoolB, identityType: 'student' });
    const recorder = createLoginRecorder(rt.writer);
    const start = Date.parse('2026-11-01T00:00:00Z');
    const chrome =
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
    const iphone =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
    for (let i = 0; i < 30; i++) {
      recorder.recordAttempt({
        accountId: o.studentA.id,
        username: 'student-a',
        clientId: 'edu-idp-account',
        method: i % 5 === 0 ? 'passkey' : 'password',
        success: i % 7 !== 3,
        failureReason: i % 7 === 3 ? 'password.invalid_credentials' : undefined,
        ip: i % 2 ? `163.20.${i}.10` : `2001:288:1001::${i.toString(16)}`,
        userAgent: i % 3 ? chrome : iphone,
        at: new Date(start + i * 3600_000),
      });
    }
    recorder.recordAttempt({
      accountId: b.id,
      username: 'student-b',
      method: 'password',
      success: true,
      ip: '163.25.2.9',
    });
    await rt.writer.flush();
    return o;
  }

  it('filters, pages and exports the records of the school, without JavaScript', async () => {
    await seed();
    const { page, watch } = await signIn('admin-a', '/admin/login-records', {
      javaScriptEnabled: false,
      acceptDownloads: true,
    });
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('登入紀錄');
    // 30 records of student-a and admin-a's own sign-in; never student-b
    expect(await page.locator('#login-records-count').textContent()).toBe('共 31 筆');
    expect(await page.getByText('student-b').count()).toBe(0);

    // failures only
    await page.locator('#filter-success').selectOption('false');
    await page.getByRole('button', { name: '篩選', exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('success') === 'false');
    expect(await page.locator('#login-records tbody tr').count()).toBe(4);

    // an IPv6 network, 10 per page: two pages (15 records), then back
    await page.getByRole('link', { name: 'Reset filters' }).click();
    await page.locator('#filter-ip').fill('2001:288::/32');
    await page.locator('#filter-size').selectOption('10');
    await page.getByRole('button', { name: '篩選', exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('ip') === '2001:288::/32');
    expect(await page.locator('#login-records-count').textContent()).toBe('共 15 筆');
    expect(await page.locator('#login-records tbody tr').count()).toBe(10);
    await screenshot(page, 'admin-login-records');
    const firstRow = await page.locator('#login-records tbody tr').first().textContent();
    await page.locator('a[rel="next"]').click();
    await page.waitForURL((u) => u.searchParams.has('before'));
    expect(await page.locator('#login-records tbody tr').count()).toBe(5);
    expect(await page.locator('a[rel="next"]').count()).toBe(0);
    await page.locator('a[rel="prev"]').click();
    await page.waitForURL((u) => u.searchParams.has('after'));
    expect(await page.locator('#login-records tbody tr').first().textContent()).toBe(firstRow);

    // the export: the same filters, as a CSV file
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#login-records-export').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^login-records-\d{8}-\d{6}\.csv$/);
    const csv = await readFile((await download.path()) as string, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.trim().split('\r\n')).toHaveLength(16);
    expect(csv).toContain('"2001:288:1001::2"');

    // a bad network comes back with its message and what was typed
    await page.locator('#filter-ip').fill('2001:288::/200');
    await page.getByRole('button', { name: '篩選', exact: true }).click();
    await page.getByText('IP 位址或網段格式不正確').waitFor();
    expect(await page.locator('#filter-ip').inputValue()).toBe('2001:288::/200');
    expect(watch.cspViolations).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
  });
});
