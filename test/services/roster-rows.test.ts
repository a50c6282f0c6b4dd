/**
 * The roster import's file and row handling, without a database: encodings, XLSX, header
 * names, dates in both calendars, genders, numbers, broken names, class titles and the
 * username rule.
 */
import { describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { isAppError } from '../../src/errors.js';
import { withCheckDigit } from '../../src/services/national-id.js';
import { parseRosterFile } from '../../src/services/roster/parse.js';
import {
  checkNationalId,
  classTitle,
  displayName,
  isBrokenName,
  normalizeRosterFields,
  parseBirthDate,
  parseFamilyNameFirst,
  parseGender,
  parseSmallInt,
} from '../../src/services/roster/rows.js';
import {
  parseUsernameRule,
  renderUsername,
  usernameAffixes,
  usernameWithSeq,
} from '../../src/services/roster/username-rule.js';

const ID1 = withCheckDigit('A12000001');
const ID2 = withCheckDigit('B22000002');

async function errorOf(work: Promise<unknown> | (() => unknown)): Promise<{ code: string; message: string }> {
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (err) {
    if (isAppError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected an AppError');
}

describe('parseRosterFile', () => {
  const header = '身分證字號,姓氏在前,姓氏,名字,性別,出生年月日,年級,班級,座號';

  it('reads a Big5 CSV, keeping the ? of a character Big5 could not hold', async () => {
    const csv = `${header}\r\n${ID1},是,王,?明,男,102/05/04,3,3,1\r\n${ID2},是,陳,小華,女,2013-06-07,3,3,2\r\n`;
    const parsed = await parseRosterFile(iconv.encode(csv, 'big5'), { filename: 'roster.csv' });
    expect(parsed).toMatchObject({ format: 'csv', encoding: 'big5' });
    expect(parsed.rows).toHaveLength(2);
    expect(parsed.rows[0]).toEqual({
      line: 2,
      fields: {
        national_id: ID1,
        family_name_first: '是',
        family_name: '王',
        given_name: '?明',
        gender: '男',
        birth_date: '102/05/04',
        grade: '3',
        class: '3',
        seat: '1',
      },
    });
    expect(parsed.rows[1]!.fields.family_name).toBe('陳');
  });

  it('reads UTF-8 with a BOM, English headers, a title line above the header and blank lines', async () => {
    const csv = `\uFEFF某某國小 學生名冊\nnational_id,family_name,given_name,gender,birth_date,seat\n\n${ID1},林,怡君,F,20130504,07\n`;
    const parsed = await parseRosterFile(Buffer.from(csv, 'utf8'));
    expect(parsed.encoding).toBe('utf-8');
    expect(parsed.columns).toEqual([
      'national_id',
      'family_name',
      'given_name',
      'gender',
      'birth_date',
      'seat',
    ]);
    expect(parsed.rows).toEqual([
      {
        line: 4,
        fields: {
          national_id: ID1,
          family_name: '林',
          given_name: '怡君',
          gender: 'F',
          birth_date: '20130504',
          seat: '07',
        },
      },
    ]);
  });

  it('reads a tab-separated export and the 身份證字號 / 姓 / 名 / 生日 spellings', async () => {
    const tsv = `身份證字號\t姓\t名\t性別\t生日\n${ID2}\t張\t家豪\t1\t民國102年5月4日\n`;
    const parsed = await parseRosterFile(Buffer.from(tsv, 'utf8'), { filename: 'x.txt' });
    expect(parsed.rows[0]!.fields).toMatchObject({
      national_id: ID2,
      family_name: '張',
      birth_date: '民國102年5月4日',
    });
  });

  it('reads the first worksheet of an XLSX, with date cells, numbers and rich text', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('學生');
    workbook.addWorksheet('其他').addRow(['ignored']);
    sheet.addRow(['身分證統一編號', '姓氏', '名字', '性別', '出生年月日', '年級', '班', '座號']);
    sheet.addRow([ID1, '李', '大同', '男', new Date(Date.UTC(2013, 4, 4)), 3, 3, 5]);
    sheet.addRow([ID2, { richText: [{ text: '黃' }] }, '美玲', '女', 1020607, '03', '03', '06']);
    const file = Buffer.from(await workbook.xlsx.writeBuffer());
    const parsed = await parseRosterFile(file, { filename: 'roster.xlsx' });
    expect(parsed.format).toBe('xlsx');
    expect(parsed.rows.map((r) => r.fields)).toEqual([
      {
        national_id: ID1,
        family_name: '李',
        given_name: '大同',
        gender: '男',
        birth_date: '2013-05-04',
        grade: '3',
        class: '3',
        seat: '5',
      },
      {
        national_id: ID2,
        family_name: '黃',
        given_name: '美玲',
        gender: '女',
        birth_date: '1020607',
        grade: '03',
        class: '03',
        seat: '06',
      },
    ]);
  });

  it('reads headers decorated by templates: required marks, notes in brackets, spaces', async () => {
    const csv = `＊身分證 字號（必填）,姓氏,名字,性別(男/女),出生年月日(民國),Seat No\n${ID1},王,小明,男,1020504,3\n`;
    const parsed = await parseRosterFile(Buffer.from(csv, 'utf8'));
    expect(parsed.rows[0]!.fields).toEqual({
      national_id: ID1,
      family_name: '王',
      given_name: '小明',
      gender: '男',
      birth_date: '1020504',
      seat: '3',
    });
  });

  it('names the missing columns', async () => {
    const csv = `身分證字號,姓氏,名字,生日\n${ID1},王,小明,2013-01-01\n`;
    expect(await errorOf(parseRosterFile(Buffer.from(csv)))).toEqual({
      code: 'roster.missing_column',
      message: 'missing column: 性別 (gender)',
    });
    expect((await errorOf(parseRosterFile(Buffer.from('a,b,c\n1,2,3\n')))).code).toBe(
      'roster.missing_column',
    );
  });

  it('rejects empty files, old .xls workbooks and broken .xlsx with their own codes', async () => {
    expect((await errorOf(parseRosterFile(Buffer.alloc(0)))).code).toBe('roster.empty_file');
    expect((await errorOf(parseRosterFile(Buffer.from(`身分證字號,姓氏,名字,性別,出生年月日\n`)))).code).toBe(
      'roster.empty_file',
    );
    const xls = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    expect((await errorOf(parseRosterFile(xls, { filename: 'a.xls' }))).code).toBe(
      'roster.unsupported_format',
    );
    const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4]);
    expect((await errorOf(parseRosterFile(zip, { filename: 'a.xlsx' }))).code).toBe('roster.unreadable_file');
  });
});

describe('row normalisation', () => {
  const today = new Date('2026-11-23T00:00:00Z');

  it.each([
    ['2013-05-04', '2013-05-04'],
    ['2013/5/4', '2013-05-04'],
    ['2013.5.4', '2013-05-04'],
    ['20130504', '2013-05-04'],
    ['2013年5月4日', '2013-05-04'],
    ['2013/5/4 上午 12:00:00', '2013-05-04'],
    ['2013-05-04T00:00:00.000Z', '2013-05-04'],
    ['102/05/04', '2013-05-04'],
    ['102.5.4', '2013-05-04'],
    ['102-5-4', '2013-05-04'],
    ['1020504', '2013-05-04'],
    ['990504', '2010-05-04'],
    ['民國102年5月4日', '2013-05-04'],
    ['民國 99 年 12 月 31 日', '2010-12-31'],
    ['１０２／０５／０４', '2013-05-04'],
    ['2012-02-29', '2012-02-29'],
  ])('reads the birth date %s as %s', (input, expected) => {
    expect(parseBirthDate(input, today)).toBe(expected);
  });

  it.each([
    '2013-02-30',
    '2013-13-01',
    '102/02/29',
    '1020230',
    '2030-01-01',
    '0/1/1',
    '民國2013年1月1日',
    'tomorrow',
    '',
  ])('rejects the birth date %s', (input) => {
    expect(parseBirthDate(input, today)).toBeUndefined();
  });

  it('reads genders, the family-name-first flag and small numbers', () => {
    expect(['男', 'M', 'm', '1', 'male'].map(parseGender)).toEqual(['M', 'M', 'M', 'M', 'M']);
    expect(['女', 'F', '2', '女性'].map(parseGender)).toEqual(['F', 'F', 'F', 'F']);
    expect(parseGender('3')).toBeUndefined();
    expect(['是', 'Y', '1', 'true', ''].map(parseFamilyNameFirst)).toEqual([true, true, true, true, true]);
    expect(['否', 'N', '0', 'false'].map(parseFamilyNameFirst)).toEqual([false, false, false, false]);
    expect(parseFamilyNameFirst('maybe')).toBeUndefined();
    expect(parseSmallInt('03', 1, 99)).toBe(3);
    expect(parseSmallInt('１２', 1, 99)).toBe(12);
    expect(parseSmallInt('3年級', 1, 12)).toBe(3);
    expect(parseSmallInt('0', 1, 99)).toBeUndefined();
    expect(parseSmallInt('13', 1, 12)).toBeUndefined();
  });

  it('flags names that lost characters or are empty', () => {
    expect(['王?明', '王？明', '王\uFFFD明', '\uE000明', ''].map(isBrokenName)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(isBrokenName('王小明')).toBe(false);
  });

  it('normalises a row and lists the fields it cannot read', () => {
    expect(
      normalizeRosterFields(
        {
          family_name_first: '否',
          family_name: '  Smith ',
          given_name: 'Mary  Ann',
          gender: '女',
          birth_date: '102.5.4',
          grade: '３',
          class: '03',
          seat: '12號',
        },
        today,
      ),
    ).toEqual({
      familyNameFirst: false,
      familyName: 'Smith',
      givenName: 'Mary Ann',
      gender: 'F',
      birthDate: '2013-05-04',
      grade: 3,
      classNo: 3,
      seat: 12,
      problems: [],
      brokenName: false,
    });
    const bad = normalizeRosterFields(
      {
        family_name: '王',
        given_name: '?',
        gender: '?',
        birth_date: '2013-02-30',
        grade: '13',
        seat: '1000',
      },
      today,
    );
    expect(bad.problems).toEqual(['gender', 'birth_date', 'grade', 'seat']);
    expect(bad.brokenName).toBe(true);
  });

  it('splits a class written with its grade (301)', () => {
    expect(normalizeRosterFields({ class: '301' }, today)).toMatchObject({ grade: 3, classNo: 1 });
    expect(normalizeRosterFields({ grade: '3', class: '311' }, today)).toMatchObject({
      grade: 3,
      classNo: 11,
    });
    expect(normalizeRosterFields({ grade: '4', class: '311' }, today).problems).toContain('class');
  });

  it('checks and masks national IDs and resident certificate numbers', () => {
    expect(checkNationalId(` ${ID1.toLowerCase()} `)).toEqual({
      value: ID1,
      valid: true,
      masked: `${ID1.slice(0, 3)}****${ID1.slice(-3)}`,
    });
    expect(checkNationalId(withCheckDigit('A80000001')).valid).toBe(true);
    expect(checkNationalId('A123456780').valid).toBe(false);
    expect(checkNationalId('').masked).toBe('');
  });

  it('builds names and class titles', () => {
    expect(displayName('王', '小明', true)).toBe('王小明');
    expect(displayName('Smith', 'Mary', false)).toBe('Mary Smith');
    expect(classTitle(3, 3)).toBe('三年三班');
    expect(classTitle(12, 11)).toBe('十二年十一班');
    expect(classTitle(1, 10)).toBe('一年十班');
    expect(classTitle(6, 20)).toBe('六年二十班');
    expect(classTitle(9, 99)).toBe('九年九十九班');
  });
});

describe('username rule', () => {
  const ctx = {
    schoolCode: '173601',
    schoolYear: 115,
    grade: 3,
    classNo: 4,
    seat: 7,
    birthDate: '2013-05-04',
  };

  it('renders every token', () => {
    const rule = parseUsernameRule(
      's{schoolcode}-{year}{grade:2}{class:2}{seat:2}.{birth:yyyymmdd}{birth:yyyy}{birth:mmdd}',
    );
    expect(renderUsername(rule, ctx)).toBe('s173601-115030407.2013050420130504');
    const random = parseUsernameRule('{schoolcode}{random:8}');
    const a = renderUsername(random, ctx);
    expect(a).toMatch(/^173601[0-9a-z]{8}$/);
    expect(renderUsername(random, ctx)).not.toBe(a);
  });

  it('splits a {seq:N} rule around the number and pads it', () => {
    const rule = parseUsernameRule('{schoolcode}s{seq:5}');
    expect(rule.sequential).toBe(true);
    const affixes = usernameAffixes(rule, { ...ctx, schoolCode: 'KL01' });
    expect(affixes).toEqual({ prefix: 'kl01s', suffix: '' });
    expect(usernameWithSeq(rule, affixes, 42)).toBe('kl01s00042');
    expect(usernameWithSeq(rule, affixes, 123456)).toBe('kl01s123456');
  });

  it.each([
    ['{schoolcode}{foo}', 'unknown token {foo}'],
    ['{schoolcode}', 'needs {seq:N}, {random:N} or {seat}'],
    ['{schoolcode}S{seq:5}', 'literal text "S"'],
    ['{schoolcode}{seq}', '{seq} needs a length'],
    ['{seq:3}{schoolcode}', 'only literal text may follow {seq:N}'],
    ['{seq:3}{seq:3}', 'only once'],
    ['{random:2}', 'the length must be 4 to 16'],
    ['{birth}{seat}', '{birth} needs a format'],
    ['{schoolcode}{seq:5', 'unbalanced brace'],
    ['{schoolcode}@{seq:5}', 'literal text "@"'],
  ])('reports the invalid rule %s', async (rule, why) => {
    const error = await errorOf(() => parseUsernameRule(rule));
    expect(error.code).toBe('roster.invalid_username_rule');
    expect(error.message).toContain(why);
  });
});
