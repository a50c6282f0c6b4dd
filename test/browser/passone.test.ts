/**
 * 一次登入 in a real browser: a teacher adds two students of the own class to the passOne
 * list, confirms it, creates the pass codes and gets the slips (also under print emulation);
 * a student then signs in at /passone with username + code and sets a new password.
 * Screenshots: admin-passone.png, admin-passone-confirm.png, passone-slips.png,
 * passone-slips-print.png, passone-login.png, passone-change-password.png, passone-done.png.
 */
import { expect, it } from '@jest/globals';
import { createMember, seedDirectory } from '../helpers/admin.js';
import { useAdminBrowser } from './admin-browser.js';
import { browserDescribe, screenshot } from './chromium.js';

const CODE = /^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{2}$/;

browserDescribe('passOne in Chromium', () => {
  const { instance, signIn, newPage } = useAdminBrowser();

  async function seed() {
    const rt = instance().runtime;
    const dir = await seedDirectory(rt);
    const teacher = await createMember(rt, { username: 't-wang', name: '王大明', schoolId: dir.schoolA });
    const [cls] = await rt
      .db('school_classes')
      .insert({
        school_id: dir.schoolA,
        school_year: 115,
        semester: 1,
        grade: 6,
        class_no: 4,
        title: '六年四班',
      })
      .returning('id');
    for (const [i, name] of ['陳小華', '李小安', '張小明'].entries()) {
      const student = await createMember(rt, {
        username: `s11500${i + 1}`,
        name,
        schoolId: dir.schoolA,
        identityType: 'student',
      });
      await rt
        .db('accounts')
        .where({ id: student.id })
        .update({ gender: i % 2 ? 'M' : 'F' });
      await rt.db('class_members').insert({ class_id: cls.id, account_id: student.id, seat_no: i + 1 });
    }
    await rt.db('class_teachers').insert({ class_id: cls.id, account_id: teacher.id });
    // the test browser is not on TANet: the school's whitelist lets it in
    await rt.db('ip_ranges').insert({ org_id: dir.schoolA, cidr: '127.0.0.1/32', label: '電腦教室' });
  }

  it('teacher issues codes; a student signs in at /passone and sets a new password', async () => {
    await seed();
    const { page, watch } = await signIn('t-wang', '/admin/passone');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('一次登入');
    const rows = page.locator('#pass-one-students tbody tr');
    expect(await rows.count()).toBe(3);
    expect(await page.getByRole('heading', { name: '使用說明' }).isVisible()).toBe(true);

    for (const username of ['s115001', 's115003']) {
      await rows.filter({ hasText: username }).getByRole('button', { name: 'Add to passOne' }).click();
      await page.getByText(`已將 ${username} 加入一次登入名單。`).waitFor();
    }
    expect(await page.getByText('名單中有 2 位學生。').isVisible()).toBe(true);
    await screenshot(page, 'admin-passone');

    await page.getByRole('link', { name: '名單確認' }).click();
    await page.waitForURL((u) => u.pathname === '/admin/passone/confirm');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('一次性登入名單確認');
    expect(await page.locator('#pass-one-confirm tbody tr').count()).toBe(2);
    await screenshot(page, 'admin-passone-confirm');

    await page.getByRole('button', { name: '建立一次性登入通行碼' }).click();
    await page.waitForURL((u) => u.pathname === '/admin/passone/codes');
    const slips = page.locator('.pass-one-slip');
    expect(await slips.count()).toBe(2);
    const codes = (await page.locator('.pass-one-slip__code').allTextContents()).map((c) => c.trim());
    for (const code of codes) expect(code).toMatch(CODE);
    const slipText = (await slips.allTextContents()).join('\n');
    expect(slipText).toContain('40 分鐘內有效');
    expect(slipText).not.toMatch(/s11500|https?:|passone/i);
    expect(await page.content()).not.toContain('s115001');
    await screenshot(page, 'passone-slips');

    // printed: only the slips (two columns, solid enough to cut) and then the key sheet
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.admin-header').isVisible()).toBe(false);
    expect(await page.getByRole('heading', { level: 1 }).isVisible()).toBe(false);
    const [first, second] = await Promise.all([slips.nth(0).boundingBox(), slips.nth(1).boundingBox()]);
    expect(first && second && Math.abs(first.y - second.y)).toBeLessThan(2);
    expect(
      await page.locator('.pass-one-key').evaluate(
        // runs in the page, where the DOM's getComputedStyle exists
        (el) =>
          (
            globalThis as unknown as { getComputedStyle(e: unknown): { breakBefore: string } }
          ).getComputedStyle(el).breakBefore,
      ),
    ).toBe('page');
    await screenshot(page, 'passone-slips-print');
    expect(watch.cspViolations).toEqual([]);
    expect(watch.pageErrors).toEqual([]);

    // the student, in another browser, at the passOne URL the teacher said out loud
    const student = await newPage();
    await student.page.goto(`${instance().issuer}/passone`);
    expect(await student.page.getByRole('heading', { level: 1 }).textContent()).toBe('passOne 一次登入');
    expect(await student.page.locator('input[name="password"]').count()).toBe(0);
    await student.page.getByLabel('帳號', { exact: true }).fill('s115001');
    // a mistyped code first: the form comes back with the username kept
    await student.page.getByLabel('通行碼', { exact: true }).fill('AAAA-BBBB-CC');
    await student.page.getByRole('button', { name: '登入', exact: true }).click();
    await student.page.getByText('帳號或通行碼錯誤。').waitFor();
    expect(await student.page.getByLabel('帳號', { exact: true }).inputValue()).toBe('s115001');
    await student.page.getByLabel('通行碼', { exact: true }).fill(codes[0]!.toLowerCase());
    await screenshot(student.page, 'passone-login');
    await student.page.getByRole('button', { name: '登入', exact: true }).click();
    await student.page.waitForURL((u) => u.pathname.endsWith('/change-password'));
    await screenshot(student.page, 'passone-change-password');
    await student.page.getByLabel('新密碼', { exact: true }).fill('my own new passphrase 2026');
    await student.page.getByLabel('再次輸入新密碼', { exact: true }).fill('my own new passphrase 2026');
    await student.page.getByRole('button', { name: '變更密碼並繼續' }).click();
    await student.page.waitForURL((u) => u.pathname === '/passone/done');
    expect(await student.page.getByRole('heading', { level: 1 }).textContent()).toBe('密碼已更新');
    await screenshot(student.page, 'passone-done');
    expect(student.watch.cspViolations).toEqual([]);
    expect(student.watch.pageErrors).toEqual([]);

    const account = await instance().runtime.accounts.findByUsername('s115001');
    expect(account?.mustChangePassword).toBe(false);
    expect(account?.passwordChangedAt).toBeInstanceOf(Date);
  }, 90_000);
});
