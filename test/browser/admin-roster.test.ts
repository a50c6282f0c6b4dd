/**
 * 學籍資料 in a real browser: a school admin chooses 國小 3年 3班, picks a Big5 CSV with a name
 * that lost a character and a mistyped ID (page.setInputFiles), reads the preview, corrects
 * both rows (Send), presses 繼續 and prints the list of created usernames. The same upload
 * works with JavaScript disabled. Screenshots: admin-roster-upload.png, admin-roster-preview.png,
 * admin-roster-result.png and, in print media, admin-roster-print.png.
 */
import { expect, it } from '@jest/globals';
import iconv from 'iconv-lite';
import { withCheckDigit } from '../../src/services/national-id.js';
import { createRosterService } from '../../src/services/roster/import.js';
import { seedOrgs } from '../helpers/admin-orgs.js';
import { useAdminBrowser } from './admin-browser.js';
import { browserDescribe, screenshot } from './chromium.js';

const YEAR = 115;
const nid = (n: number, sex: '1' | '2' = '1') => withCheckDigit(`S${sex}${String(n).padStart(7, '0')}`);
const HEADER = '身分證字號,姓氏在前,姓氏,名字,性別,出生年月日,座號';

browserDescribe('admin roster import in Chromium', () => {
  const { instance, signIn } = useAdminBrowser();

  /** Two classmates already in 3-3 (one of them at seat 1 is 已是會員) and the file to import. */
  async function seed() {
    const rt = instance().runtime;
    const o = await seedOrgs(rt);
    const roster = createRosterService({
      db: rt.db,
      box: rt.box,
      store: rt.shortLived,
      usernameRule: rt.config.studentUsernameRule,
    });
    const existing = [`${nid(1)},是,王,小明,男,102/05/04,1`, `${nid(2, '2')},是,陳,怡君,女,102/08/19,2`];
    const before = await roster.preview({
      file: Buffer.from(`${HEADER}\r\n${existing.join('\r\n')}\r\n`, 'utf8'),
      target: { schoolId: o.schoolA, schoolYear: YEAR, semester: 1, grade: 3, classNo: 3 },
      uploaderId: 'seed',
    });
    await roster.apply(before.id, 'seed');
    const valid = nid(9);
    const typo = `${valid.slice(0, -1)}${(Number(valid.slice(-1)) + 1) % 10}`;
    const lines = [
      existing[0],
      // seat changed: 身份證已存在 (the import updates the seat)
      `${nid(2, '2')},是,陳,怡君,女,102/08/19,12`,
      `${nid(3)},是,林,大同,男,民國102年3月4日,3`,
      `${nid(4, '2')},是,李,?玲,女,2013-06-07,4`,
      `${typo},是,張,家豪,男,1020909,5`,
      `${nid(6, '2')},是,黃,詩涵,女,102.1.15,6`,
    ];
    const file = iconv.encode(`${HEADER}\r\n${lines.join('\r\n')}\r\n`, 'big5');
    return { o, file, valid, typo };
  }

  it('uploads, previews, corrects, imports and prints', async () => {
    const { file, valid, typo } = await seed();
    const { page, watch } = await signIn('admin-a', '/admin/roster');

    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('學籍資料');
    await page.getByText('自全宜系統匯入').waitFor();
    expect(await page.locator('#field-school_id option:checked').textContent()).toBe(
      '173637 基隆市立暖暖國民小學',
    );
    await page.locator('#field-school_year').fill(String(YEAR));
    await page.locator('#field-semester').selectOption('1');
    await page.locator('#field-grade').selectOption('3');
    await page.locator('#field-class_no').selectOption('3');
    await page
      .locator('#field-file')
      .setInputFiles({ name: '3年3班.csv', mimeType: 'text/csv', buffer: file });
    await screenshot(page, 'admin-roster-upload');

    await page.getByRole('button', { name: '匯入', exact: true }).click();
    await page.waitForURL((u) => u.pathname.startsWith('/admin/roster/previews/'));
    const previewUrl = page.url();
    await page.getByRole('heading', { name: '查詢 基隆市立暖暖國民小學 3年 3班' }).waitFor();
    const statuses = await page.locator('#roster-rows tbody tr td:nth-child(3)').allTextContents();
    expect(statuses).toEqual([
      '身份證已是會員',
      '身份證已存在',
      '新增',
      '姓名含無法辨識的字（？）：名字',
      '身分證字號錯誤',
      '新增',
    ]);
    // the table of rows to correct holds the typed values; everything else is masked
    expect(await page.locator('#roster-fix tbody tr').count()).toBe(2);
    expect(await page.locator('#fix_4_national_id').inputValue()).toBe(typo);
    expect(await page.locator('#fix_3_given_name').inputValue()).toBe('?玲');
    expect(await page.locator('#roster-rows').textContent()).not.toContain(nid(3));
    expect(await page.getByRole('button', { name: '繼續', exact: true }).count()).toBe(1);
    await screenshot(page, 'admin-roster-preview');

    // reload keeps the preview (a GET page of its id)
    await page.reload();
    expect(await page.locator('#roster-fix tbody tr').count()).toBe(2);

    await page.locator('#fix_3_given_name').fill('美玲');
    await page.locator('#fix_4_national_id').fill(valid);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByText('已更新 2 筆資料，請再檢查一次。').waitFor();
    expect(page.url()).toBe(previewUrl);
    expect(await page.locator('#roster-fix').count()).toBe(0);
    expect(await page.locator('#roster-counts').textContent()).toContain('新增 4 筆');

    await page.getByRole('button', { name: '繼續', exact: true }).click();
    await page.waitForURL((u) => u.pathname.startsWith('/admin/roster/results/'));
    await page.getByText('OpenID 帳號 was created successfully').waitFor();
    const created = page.locator('.roster-result table tbody tr');
    expect(await created.count()).toBe(4);
    expect(await created.first().textContent()).toMatch(/^3林大同173637s\d{5}$/);
    expect(await page.locator('.roster-result__counts').textContent()).toBe(
      '新增 4 筆、更新 1 筆、未變更 1 筆',
    );
    await page.getByText('若來不及記下【OpenID帳號】，可至【帳號管理】進行查詢。').waitFor();
    await screenshot(page, 'admin-roster-result');

    // printed: no menus, no links, the list with its heading
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.admin-nav').isVisible()).toBe(false);
    expect(await page.locator('.admin-header').isVisible()).toBe(false);
    expect(await page.getByRole('link', { name: '匯入其他班級' }).isVisible()).toBe(false);
    expect(await page.getByText('OpenID 帳號 was created successfully').isVisible()).toBe(true);
    expect(await created.first().isVisible()).toBe(true);
    await screenshot(page, 'admin-roster-print');
    await page.emulateMedia({ media: 'screen' });

    expect(watch.cspViolations).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
  }, 90_000);

  it('works with JavaScript disabled, and asks for the file again after an error', async () => {
    const { file } = await seed();
    const { page } = await signIn('admin-a', '/admin/roster', { javaScriptEnabled: false });
    expect(await page.locator('script').count()).toBe(0);
    await page.locator('#field-grade').selectOption('3');
    await page.locator('#field-class_no').selectOption('3');
    await page.locator('#field-file').setInputFiles({
      name: 'roster.xls',
      mimeType: 'application/vnd.ms-excel',
      buffer: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0, 0, 0]),
    });
    await page.getByRole('button', { name: '匯入', exact: true }).click();
    expect(await page.getByRole('alert').textContent()).toContain('不支援此檔案格式');
    expect(await page.getByRole('alert').textContent()).toContain('請重新選擇檔案');
    expect(await page.locator('#field-grade').inputValue()).toBe('3');
    expect(await page.locator('#field-class_no').inputValue()).toBe('3');
    await page
      .locator('#field-file')
      .setInputFiles({ name: '3年3班.csv', mimeType: 'text/csv', buffer: file });
    await page.getByRole('button', { name: '匯入', exact: true }).click();
    await page.waitForURL((u) => u.pathname.startsWith('/admin/roster/previews/'));
    expect(await page.locator('#roster-counts').textContent()).toContain('身份證已存在 1 筆');
    // leave the two rows out and import the rest
    await page.getByLabel('略過 2 筆需要修正的資料，只匯入其餘 4 筆').check();
    await page.getByRole('button', { name: '繼續', exact: true }).click();
    await page.getByText('OpenID 帳號 was created successfully').waitFor();
    await page.getByText('已略過 2 筆需要修正的資料。').waitFor();
    expect(await page.locator('.roster-result table tbody tr').count()).toBe(2);
  }, 60_000);
});
