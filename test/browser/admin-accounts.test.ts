/**
 * 帳號管理 and 學校異動 in a real browser: a school admin signs in through /admin/login and the
 * OP's login page, filters the account list, opens an account, and finds a transfer request in
 * the 待審核 list. Screenshots: admin-accounts.png, admin-account.png, admin-transfers.png.
 */
import { expect, it } from '@jest/globals';
import { sealNationalId } from '../../src/services/national-id.js';
import { createMember, fakeNationalId, seedDirectory } from '../helpers/admin.js';
import { useAdminBrowser } from './admin-browser.js';
import { browserDescribe, screenshot } from './chromium.js';

browserDescribe('admin accounts and transfers in Chromium', () => {
  const { instance, signIn } = useAdminBrowser();

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
    const adminB = await createMember(rt, {
      username: 'admin-b',
      schoolId: dir.schoolB,
      role: { role: 'school_admin', orgId: dir.schoolB },
    });
    const teacher = await createMember(rt, {
      username: 't-wang',
      name: '王大明',
      schoolId: dir.schoolA,
      titles: ['教師', '導師'],
    });
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
      const sealed = sealNationalId(rt.box, fakeNationalId('B', i % 2 ? '1' : '2'));
      await rt
        .db('accounts')
        .where({ id: student.id })
        .update({
          national_id_sealed: sealed.sealed,
          national_id_hash: sealed.hash,
          national_id_masked: sealed.masked,
          gender: i % 2 ? 'M' : 'F',
        });
      await rt.db('class_members').insert({ class_id: cls.id, account_id: student.id, seat_no: i + 1 });
    }
    // B has asked for A's teacher: waiting in A's 待審核 list
    await rt.db('school_transfers').insert({
      account_id: teacher.id,
      from_school_id: dir.schoolA,
      to_school_id: dir.schoolB,
      titles: ['教師', '導師'],
      requested_by: adminB.id,
    });
    return dir;
  }

  it('filters the account list, opens an account, and shows the pending transfers', async () => {
    await seed();
    const { page, watch } = await signIn('admin-a', '/admin/accounts');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('帳號管理');
    expect(await page.locator('#accounts tbody tr').count()).toBe(5);

    await page.locator('#filter-identity').selectOption('student');
    await page.locator('#filter-grade').fill('6');
    await page.getByRole('button', { name: '篩選', exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('identity') === 'student');
    const rows = page.locator('#accounts tbody tr');
    expect(await rows.count()).toBe(3);
    expect(await rows.first().textContent()).toContain('六年四班 1 號');
    expect(await page.locator('.pagination__range').textContent()).toBe('1 - 3 / 3 (3)');
    expect(await page.getByRole('link', { name: 'Reset filters' }).isVisible()).toBe(true);
    await screenshot(page, 'admin-accounts');

    await page.getByRole('link', { name: 's115001', exact: true }).click();
    await page.waitForURL((u) => /^\/admin\/accounts\/[0-9a-f-]{36}$/.test(u.pathname));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('s115001');
    expect(await page.locator('.record').textContent()).toMatch(/B2\d\*{4}\d{3}/);
    expect(await page.getByRole('button', { name: '產生臨時密碼' }).isVisible()).toBe(true);
    expect(await page.locator('#classes').textContent()).toContain('六年四班');
    await screenshot(page, 'admin-account');

    await page.getByRole('link', { name: '學校異動', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/admin/transfers');
    const pending = page.locator('#transfers tbody tr');
    expect(await pending.count()).toBe(1);
    expect(await pending.first().textContent()).toContain('t-wang');
    expect(await pending.first().textContent()).toContain('待審核');
    await screenshot(page, 'admin-transfers');

    await pending.first().getByRole('link', { name: 't-wang' }).click();
    await page.getByRole('button', { name: '核准', exact: true }).click();
    await page.getByText('已核准，帳號已改屬新學校。').waitFor();

    expect(watch.cspViolations).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
  }, 60_000);
});
