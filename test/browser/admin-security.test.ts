/**
 * 登入防護, 啟用登入機制 and the step-up page in a real browser: a county admin looks up a blocked
 * student and clears the block, saves a sign-in rule (after an empty-rule error), and, with the
 * production default ADMIN_REQUIRED_ACR (passkey), a password alone meets the step-up page.
 * Screenshots: admin-throttle.png, admin-login-policy.png, login-step-up.png.
 */
import { expect, it } from '@jest/globals';
import { createMember, seedDirectory } from '../helpers/admin.js';
import { PASSWORD } from '../helpers/fixtures.js';
import { useAdminBrowser } from './admin-browser.js';
import { browserDescribe, screenshot } from './chromium.js';

const IP = '203.0.113.9';

browserDescribe('登入防護 and 啟用登入機制 in Chromium', () => {
  const { instance, signIn } = useAdminBrowser();

  async function seed() {
    const rt = instance().runtime;
    const dir = await seedDirectory(rt);
    await createMember(rt, {
      username: 'kladmin',
      schoolId: null,
      role: { role: 'county_admin', orgId: dir.countyId },
    });
    await createMember(rt, { username: 'stua', schoolId: dir.schoolA, identityType: 'student' });
    return dir;
  }

  it('finds a blocked account, clears the block, and the student can try again', async () => {
    const rt = instance().runtime;
    await seed();
    for (let i = 0; i < 5; i++) await rt.throttle.guard('password', { account: 'stua', ip: IP });
    await expect(rt.throttle.guard('password', { account: 'stua', ip: IP })).rejects.toThrow();

    const { page, watch } = await signIn('kladmin', '/admin/throttle');
    await page.locator('#filter-username').fill('stua');
    await page.locator('#filter-ip').fill(IP);
    await page.getByRole('button', { name: '篩選', exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('username') === 'stua');
    const counters = page.locator('#throttle-counters');
    await expect(counters.locator('.badge--error').count()).resolves.toBeGreaterThan(0);
    await screenshot(page, 'admin-throttle');

    await page.getByRole('button', { name: '解除封鎖並清除計數' }).click();
    await page.getByText('已清除計數與封鎖。').waitFor();
    expect(await page.locator('#throttle-counters .badge--error').count()).toBe(0);
    await expect(rt.throttle.guard('password', { account: 'stua', ip: IP })).resolves.toBeUndefined();
    expect(watch.cspViolations).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
  });

  it('saves a rule after the empty-rule error, keeping what was chosen', async () => {
    await seed();
    const { page, watch } = await signIn('kladmin', '/admin/login-policy');
    await page.locator('#field-identity_type').selectOption('staff');
    await page.getByRole('button', { name: '儲存規則' }).click();
    await page.locator('#form-error').waitFor();
    expect(await page.locator('#form-error').textContent()).toContain('請至少勾選一種登入方式');
    expect(await page.locator('#field-identity_type').inputValue()).toBe('staff');

    await page.locator('#method-certificate').check();
    await page.getByRole('button', { name: '儲存規則' }).click();
    await page.getByText('已儲存登入規則。').waitFor();
    const [row] = await instance().runtime.db('login_policies');
    expect(row).toMatchObject({ identity_type: 'staff', allowed_methods: ['certificate'] });
    await screenshot(page, 'admin-login-policy');
    expect(watch.cspViolations).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
  });
});

browserDescribe('the step-up page in Chromium', () => {
  // '' is "unset": the production default, a passkey for the console
  const { instance, newPage } = useAdminBrowser({ ADMIN_REQUIRED_ACR: '' });

  it('asks an admin who signed in with a password for a passkey or the card, without the password form', async () => {
    const rt = instance().runtime;
    const dir = await seedDirectory(rt);
    await createMember(rt, {
      username: 'kladmin',
      schoolId: null,
      role: { role: 'county_admin', orgId: dir.countyId },
    });
    const { page, watch } = await newPage();
    await page.goto(`${instance().issuer}/admin/login`);
    await page.getByLabel('帳號', { exact: true }).fill('kladmin');
    await page.getByLabel('密碼', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: '登入', exact: true }).click();
    await page.locator('#step-up').waitFor();
    expect(await page.locator('#step-up').textContent()).toContain('此應用程式需要較高等級的驗證');
    expect(await page.locator('a[href$="/passkey"]').count()).toBe(1);
    expect(await page.locator('a[href$="/certificate"]').count()).toBe(1);
    expect(await page.locator('input[name="password"]').count()).toBe(0);
    expect(new URL(page.url()).pathname).toMatch(/^\/interaction\//);
    await screenshot(page, 'login-step-up');
    expect(watch.cspViolations).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
  });
});
