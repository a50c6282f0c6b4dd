/**
 * 新帳號申請 in a real browser: a school admin signs in, finds the applications in the 待審核列表,
 * opens 審查詳細資訊, meets the one-person-one-account warning (approval refused, the form
 * kept), and approves another application. Also the public form's checkboxes and radios.
 * Screenshots: admin-applications.png, admin-application.png, apply-form.png.
 */
import { expect, it } from '@jest/globals';
import { sealNationalId } from '../../src/services/national-id.js';
import { createMember, fakeNationalId, seedDirectory } from '../helpers/admin.js';
import { useAdminBrowser } from './admin-browser.js';
import { browserDescribe, screenshot } from './chromium.js';

browserDescribe('新帳號申請 in Chromium', () => {
  const { instance, newPage, signIn } = useAdminBrowser();

  /** Three verified applications at school A; the first one's national ID already has an account. */
  async function seed() {
    const rt = instance().runtime;
    const dir = await seedDirectory(rt);
    await createMember(rt, {
      username: 'admin-a',
      name: '林組長',
      schoolId: dir.schoolA,
      titles: ['教師', '資訊組長'],
      role: { role: 'school_admin', orgId: dir.schoolA },
    });
    const holder = await createMember(rt, { username: 't-chen', name: '陳老師', schoolId: dir.schoolB });
    const sealed = sealNationalId(rt.box, fakeNationalId('C', '2'));
    await rt.db('accounts').where({ id: holder.id }).update({
      national_id_sealed: sealed.sealed,
      national_id_hash: sealed.hash,
      national_id_masked: sealed.masked,
    });
    const other = sealNationalId(rt.box, fakeNationalId('C', '1'));
    /** started `ago` minutes ago, both codes entered within two minutes */
    const times = (ago: number) => ({
      created_at: rt.db.raw(`now() - interval '${ago} minutes'`),
      email_verified_at: rt.db.raw(`now() - interval '${ago - 1} minutes'`),
      mobile_verified_at: rt.db.raw(`now() - interval '${ago - 2} minutes'`),
      submitted_at: rt.db.raw(`now() - interval '${ago - 2} minutes'`),
    });
    const base = { school_id: dir.schoolA, status: 'pending' };
    await rt.db('account_applications').insert({
      ...base,
      real_name: '陳美玲',
      email: 'chen.ml@kl.edu.tw',
      mobile: '0912000001',
      identity_type: 'teacher',
      requested_titles: ['教師', '導師'],
      national_id_sealed: sealed.sealed,
      national_id_hash: sealed.hash,
      national_id_masked: sealed.masked,
      ...times(122),
    });
    await rt.db('account_applications').insert({
      ...base,
      real_name: '王大明',
      email: 'wang.dm@kl.edu.tw',
      mobile: '0912000002',
      identity_type: 'teacher',
      requested_titles: ['教師', '導師', '資訊組長'],
      requested_username: 'wangdm',
      national_id_sealed: other.sealed,
      national_id_hash: other.hash,
      national_id_masked: other.masked,
      ...times(62),
    });
    await rt.db('account_applications').insert({
      ...base,
      real_name: '李志工',
      email: 'lee.v@gmail.com',
      mobile: '0912000003',
      identity_type: 'other',
      requested_titles: ['其他', '志工'],
      ...times(5),
    });
    return { dir, holder };
  }

  it('shows the pending list and the review page, refuses a duplicate person, approves another', async () => {
    const { holder } = await seed();
    const { page, watch } = await signIn('admin-a', '/admin/applications');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('新帳號申請');
    const rows = page.locator('#applications tbody tr');
    expect(await rows.count()).toBe(3);
    // the review queue: oldest first
    expect(await rows.first().textContent()).toContain('陳美玲');
    expect(await rows.first().textContent()).toContain('身分證字號已有帳號');
    expect(await page.locator('.pagination__range').textContent()).toBe('1 - 3 / 3 (3)');
    expect(await page.locator('#filter-status').inputValue()).toBe('pending');
    await screenshot(page, 'admin-applications');

    await rows.first().getByRole('link', { name: '審查詳細資訊' }).click();
    await page.waitForURL((u) => /^\/admin\/applications\/[0-9a-f-]{36}$/.test(u.pathname));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('審查詳細資訊');
    expect(await page.locator('.record').textContent()).toContain('chen.ml@kl.edu.tw');
    expect(await page.locator('.record').textContent()).toMatch(/C2\d\*{4}\d{3}/);
    const warning = page.locator('#national-id-conflict');
    expect(await warning.isVisible()).toBe(true);
    expect(await warning.getByRole('link').getAttribute('href')).toBe(`/admin/accounts/${holder.id}`);
    expect(await page.getByLabel('帳號').inputValue()).toBe('chen.ml');
    await screenshot(page, 'admin-application');

    // approval is refused; the page keeps what was typed
    await page.getByLabel('帳號').fill('chen.meiling');
    await page.getByRole('button', { name: '接受申請', exact: true }).click();
    await page.getByText('此身分證字號已有帳號（一人一帳號）。').waitFor();
    expect(await page.getByLabel('帳號').inputValue()).toBe('chen.meiling');

    await page.getByRole('link', { name: '回待審核列表' }).click();
    await page.waitForURL((u) => u.pathname === '/admin/applications');
    await rows.nth(1).getByRole('link', { name: '審查詳細資訊' }).click();
    await page.waitForURL((u) => /^\/admin\/applications\/[0-9a-f-]{36}$/.test(u.pathname));
    expect(await page.getByLabel('帳號').inputValue()).toBe('wangdm');
    await page.getByLabel('職稱（每行一個，依序）').fill('資訊組長\n導師');
    await page.getByRole('button', { name: '接受申請', exact: true }).click();
    await page.getByText('已接受申請，建立帳號 wangdm，並寄出開通連結。').waitFor();
    expect(await page.locator('.record').textContent()).toContain('已接受');

    const rt = instance().runtime;
    const account = await rt.db('accounts').where({ username: 'wangdm' }).first();
    const titles = await rt
      .db('account_titles')
      .where({ account_id: account.id })
      .orderBy('position')
      .pluck('title');
    expect(titles).toEqual(['教師', '資訊組長', '導師']);

    expect(watch.cspViolations).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
  }, 60_000);

  it('styles the public form’s checkboxes and radios as large, clickable choices', async () => {
    await seedDirectory(instance().runtime);
    const { page, watch } = await newPage();
    await page.setViewportSize({ width: 800, height: 900 });
    await page.goto(`${instance().issuer}/apply`);
    const radio = page.getByRole('radio', { name: '教師' });
    await radio.check();
    // the whole label is the target: clicking its text ticks the box
    await page.locator('label.choice', { hasText: '資訊組長' }).click();
    expect(await page.getByRole('checkbox', { name: '資訊組長' }).isChecked()).toBe(true);
    // computed in the page (the test's TypeScript has no DOM types): a choice label's style
    const choiceStyle = (text: string, property: string) =>
      page.evaluate<string>(
        `getComputedStyle([...document.querySelectorAll('label.choice')].find((l) => l.textContent.includes(${JSON.stringify(text)})))[${JSON.stringify(property)}]`,
      );
    const heights = await page.evaluate<number[]>(
      "[...document.querySelectorAll('label.choice')].map((l) => l.getBoundingClientRect().height)",
    );
    expect(heights.length).toBeGreaterThan(10);
    // WCAG 2.2 target size, with room to spare
    for (const height of heights) expect(height).toBeGreaterThanOrEqual(40);
    const box = await page.evaluate<{ width: string; accent: string }>(
      "(() => { const s = getComputedStyle(document.querySelector('label.choice input')); return { width: s.width, accent: s.accentColor }; })()",
    );
    expect(Number.parseFloat(box.width)).toBeGreaterThanOrEqual(20);
    expect(box.accent).not.toBe('auto');
    // a checked choice is marked beyond the box itself
    expect(await choiceStyle('資訊組長', 'borderColor')).not.toBe(await choiceStyle('校長', 'borderColor'));
    // keyboard focus rings the whole tile
    await page.getByRole('checkbox', { name: '教師', exact: true }).focus();
    await page.keyboard.press('Tab');
    expect(await choiceStyle('導師', 'outlineStyle')).toBe('solid');
    expect(await choiceStyle('校長', 'outlineStyle')).toBe('none');
    await screenshot(page, 'apply-form');
    expect(watch.cspViolations).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
  }, 60_000);
});
