/**
 * 學校名稱, 權限管理, 白名單 and 稽核紀錄 in a real browser: a county admin signs in through
 * /admin/login and the OP's login page, filters the schools, adds a class and a teacher,
 * grants a role, adds a whitelist range (after a host-bits error), and reads the audit log;
 * a school admin does the same forms with JavaScript disabled. Screenshots: admin-schools.png,
 * admin-school-classes.png, admin-roles.png, admin-whitelist.png, admin-audit.png.
 */
import { expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { seedOrgs } from '../helpers/admin-orgs.js';
import { useAdminBrowser } from './admin-browser.js';
import { browserDescribe, screenshot } from './chromium.js';

browserDescribe('admin schools, roles, whitelist and audit in Chromium', () => {
  const { instance, signIn } = useAdminBrowser();

  async function seed() {
    const rt = instance().runtime;
    const o = await seedOrgs(rt);
    const classes = await rt
      .db('school_classes')
      .insert([
        { school_id: o.schoolA, school_year: 115, semester: 1, grade: 3, class_no: 3, title: '三年三班' },
        { school_id: o.schoolA, school_year: 115, semester: 1, grade: 3, class_no: 4, title: '三年四班' },
        { school_id: o.schoolA, school_year: 114, semester: 2, grade: 2, class_no: 3, title: '二年三班' },
        { school_id: o.schoolB, school_year: 115, semester: 1, grade: 7, class_no: 1, title: '七年一班' },
      ])
      .returning('id');
    await rt
      .db('class_teachers')
      .insert({ class_id: classes[0].id, account_id: o.teacherA.id, kind: 'homeroom' });
    await rt.db('ip_ranges').insert({ org_id: o.schoolB, cidr: '163.25.2.0/24', label: '建德電腦教室' });
    return o;
  }

  const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();

  it('drives the schools, classes, roles, whitelist and audit pages as a county admin', async () => {
    const o = await seed();
    const { page, watch } = await signIn('county', '/admin/schools');

    // 學校名稱: the county's two schools, filtered by level
    expect(await heading(page)).toBe('學校名稱');
    expect(await page.locator('#schools tbody tr').count()).toBe(2);
    await page.locator('#filter-level').selectOption('elementary');
    await page.getByRole('button', { name: '篩選', exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('level') === 'elementary');
    expect(await page.locator('#schools tbody tr').count()).toBe(1);
    expect(await page.locator('.pagination__range').textContent()).toBe('1 - 1 / 1 (1)');
    await page.getByRole('link', { name: 'Reset filters' }).click();
    await page.waitForURL((u) => u.pathname === '/admin/schools' && u.search === '');
    expect(await page.locator('#schools tbody tr').count()).toBe(2);
    await screenshot(page, 'admin-schools');

    // a school with its classes: add one, then a teacher
    await page.getByRole('link', { name: '基隆市立暖暖國民小學', exact: true }).click();
    await page.waitForURL((u) => u.pathname === `/admin/schools/${o.schoolA}`);
    expect(await page.locator('#classes tbody tr').count()).toBe(3);
    expect(await page.locator('#classes tbody tr').first().textContent()).toContain('teacher-a');
    await page.locator('#field-grade').fill('5');
    await page.locator('#field-class_no').fill('2');
    await page.getByRole('button', { name: '新增', exact: true }).click();
    await page.getByText('已新增班級「五年二班」。').waitFor();
    await page.locator('#field-username').fill('teacher-a');
    await page.locator('#field-kind').selectOption('subject');
    await page.getByRole('button', { name: '指派教師', exact: true }).click();
    await page.getByText('已指派 teacher-a 為科任。').waitFor();
    expect(await page.locator('#teachers tbody tr').count()).toBe(1);
    await page.getByRole('link', { name: '回到學校' }).click();
    await page.waitForURL((u) => u.pathname === `/admin/schools/${o.schoolA}`);
    expect(await page.locator('#classes tbody tr').count()).toBe(4);
    await screenshot(page, 'admin-school-classes');

    // 權限管理: grant teacher-b the school-admin role of B
    await page.getByRole('link', { name: '權限管理', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/admin/roles');
    expect(await page.locator('#roles tbody tr').count()).toBe(3);
    await page.locator('#field-username').fill('teacher-b');
    await page.locator('#field-role').selectOption('school_admin');
    await page.locator('#field-org_id').selectOption(o.schoolB);
    await page.getByRole('button', { name: '授予', exact: true }).click();
    await page.getByText('已授予 teacher-b 學校管理者權限。').waitFor();
    expect(await page.locator('#roles tbody tr').count()).toBe(4);
    await screenshot(page, 'admin-roles');

    // 白名單: a range with host bits is refused with the network address to use
    await page.getByRole('link', { name: '白名單', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/admin/whitelist');
    expect(await page.locator('#tanet-ranges li').count()).toBeGreaterThan(0);
    await page.locator('#field-org_id').selectOption(o.schoolA);
    await page.locator('#field-cidr').fill('163.25.10.5/24');
    await page.locator('#field-label').fill('暖暖電腦教室');
    await page.getByRole('button', { name: '新增', exact: true }).click();
    expect(await page.getByRole('alert').textContent()).toContain('網路位址應為 163.25.10.0/24');
    expect(await page.locator('#field-label').inputValue()).toBe('暖暖電腦教室');
    await page.locator('#field-cidr').fill('163.25.10.0/24');
    await page.getByRole('button', { name: '新增', exact: true }).click();
    await page.getByText('已新增 163.25.10.0/24。').waitFor();
    expect(await page.locator('#ranges tbody tr').count()).toBe(2);
    await screenshot(page, 'admin-whitelist');

    // 稽核紀錄: everything above, newest first, with before/after
    await page.getByRole('link', { name: '稽核紀錄', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/admin/audit');
    const rows = page.locator('#audit tbody tr');
    expect(await rows.count()).toBe(4);
    expect(await rows.first().textContent()).toContain('whitelist.add');
    await rows.first().locator('summary').click();
    expect(await rows.first().locator('pre').textContent()).toContain('"cidr": "163.25.10.0/24"');
    await page.locator('#filter-action').fill('class.');
    await page.getByRole('button', { name: '篩選', exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('action') === 'class.');
    expect(await rows.count()).toBe(2);
    await rows.nth(1).locator('summary').click();
    await screenshot(page, 'admin-audit');

    expect(watch.cspViolations).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
  }, 90_000);

  it('works with JavaScript disabled for a school admin', async () => {
    const o = await seed();
    const { page } = await signIn('admin-a', '/admin/whitelist', { javaScriptEnabled: false });
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.getByText('建德電腦教室').count()).toBe(0);
    await page.locator('#field-cidr').fill('2001:288:1234::/48');
    await page.locator('#field-label').fill('暖暖 IPv6');
    await page.getByRole('button', { name: '新增', exact: true }).click();
    await page.getByText('已新增 2001:288:1234::/48。').waitFor();
    expect(await page.locator('#ranges tbody tr').count()).toBe(1);

    await page.getByRole('link', { name: '學校名稱', exact: true }).click();
    await page.getByRole('link', { name: '基隆市立暖暖國民小學', exact: true }).click();
    await page.waitForURL((u) => u.pathname === `/admin/schools/${o.schoolA}`);
    expect(await page.getByText('七年一班').count()).toBe(0);
    await page.locator('#field-grade').fill('3');
    await page.locator('#field-class_no').fill('3');
    await page.getByRole('button', { name: '新增', exact: true }).click();
    expect(await page.getByRole('alert').textContent()).toContain('已有相同年級與班級序號的班級');
    expect(await page.locator('#field-grade').inputValue()).toBe('3');
    await page.locator('#field-class_no').fill('5');
    await page.getByRole('button', { name: '新增', exact: true }).click();
    await page.getByText('已新增班級「三年五班」。').waitFor();
    expect(await page.getByRole('link', { name: '稽核紀錄' }).count()).toBe(0);
  }, 60_000);
});
