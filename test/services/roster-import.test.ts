/**
 * The roster import (學籍資料匯入) on real Postgres and Redis: preview statuses, corrections,
 * apply per class, moves between schools, rollback of a class whose transaction fails, the
 * username rule, and the preview belonging to its uploader.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { isAppError } from '../../src/errors.js';
import type { Runtime } from '../../src/runtime.js';
import {
  hashNationalId,
  sealNationalId,
  unsealNationalId,
  withCheckDigit,
} from '../../src/services/national-id.js';
import {
  createRosterService,
  type RosterService,
  type RosterTarget,
} from '../../src/services/roster/import.js';
import { useTestInstance } from '../helpers/app.js';

const instance = useTestInstance();
const YEAR = 115;

interface Student {
  id: string;
  family: string;
  given: string;
  gender?: string;
  birth?: string;
  grade?: number | string;
  cls?: number | string;
  seat?: number | string;
  familyFirst?: string;
}

const nid = (n: number, letter = 'A', sex = '1') =>
  withCheckDigit(`${letter}${sex}${String(n).padStart(7, '0')}`);

const HEADER = ['身分證字號', '姓氏在前', '姓氏', '名字', '性別', '出生年月日', '年級', '班級', '座號'];

function csv(students: Student[], opts: { classColumns?: boolean } = {}): string {
  const withClass = opts.classColumns ?? true;
  const header = withClass ? HEADER : HEADER.slice(0, 6).concat('座號');
  const lines = students.map((s) =>
    [
      s.id,
      s.familyFirst ?? '是',
      s.family,
      s.given,
      s.gender ?? '男',
      s.birth ?? '102/05/04',
      ...(withClass ? [String(s.grade ?? ''), String(s.cls ?? '')] : []),
      String(s.seat ?? ''),
    ].join(','),
  );
  return `${[header.join(','), ...lines].join('\r\n')}\r\n`;
}

const utf8 = (text: string) => Buffer.from(text, 'utf8');

async function createSchools(runtime: Runtime) {
  const db = runtime.db;
  const [county] = await db('organizations')
    .insert({ kind: 'county', code: 'KL', name: '基隆市' })
    .returning<Array<{ id: string }>>('id');
  const school = async (code: string, name: string, level: string) =>
    (
      await db('organizations')
        .insert({ kind: 'school', code, name, level, parent_id: county!.id })
        .returning<Array<{ id: string }>>('id')
    )[0]!.id;
  return {
    a: await school('KL001', '基隆市甲國小', 'elementary'),
    b: await school('KL002', '基隆市乙國小', 'elementary'),
  };
}

function service(
  runtime: Runtime,
  usernameRule = runtime.config.studentUsernameRule,
  now?: () => Date,
): RosterService {
  return createRosterService({
    db: runtime.db,
    box: runtime.box,
    store: runtime.shortLived,
    usernameRule,
    ...(now ? { now } : {}),
  });
}

async function errorOf(work: Promise<unknown>): Promise<{ code: string; message: string; status: number }> {
  try {
    await work;
  } catch (err) {
    if (isAppError(err)) return { code: err.code, message: err.message, status: err.status };
    throw err;
  }
  throw new Error('expected an AppError');
}

/** Preview and apply in one go; the rows must all be importable. */
async function importAll(
  roster: RosterService,
  file: Buffer,
  target: RosterTarget,
  uploaderId = randomUUID(),
) {
  const preview = await roster.preview({ file, filename: 'roster.csv', target, uploaderId });
  const result = await roster.apply(preview.id, uploaderId);
  return { preview, result };
}

async function accountByNid(runtime: Runtime, id: string) {
  return runtime
    .db('accounts')
    .where({ national_id_hash: hashNationalId(runtime.box, id) })
    .first();
}

async function membership(runtime: Runtime, accountId: string) {
  return runtime
    .db('class_members as cm')
    .join('school_classes as sc', 'sc.id', 'cm.class_id')
    .where('cm.account_id', accountId)
    .select('sc.school_id', 'sc.grade', 'sc.class_no', 'sc.title', 'cm.seat_no')
    .orderBy('sc.grade');
}

describe('preview', () => {
  it('gives every row its status, and apply refuses until they are fixed or skipped', async () => {
    const { runtime } = instance;
    const schools = await createSchools(runtime);
    const roster = service(runtime);
    const member = nid(1);
    const elsewhere = nid(2);
    // 3-3 seat 1 at school A, and 5-1 at school B, imported beforehand
    await importAll(
      roster,
      utf8(csv([{ id: member, family: '王', given: '小明', seat: 1 }], { classColumns: false })),
      {
        schoolId: schools.a,
        schoolYear: YEAR,
        semester: 1,
        grade: 3,
        classNo: 3,
      },
    );
    await importAll(
      roster,
      utf8(csv([{ id: elsewhere, family: '陳', given: '怡君', gender: '女', grade: 5, cls: 1, seat: 9 }])),
      {
        schoolId: schools.b,
        schoolYear: YEAR,
        semester: 1,
      },
    );

    const fresh = nid(3);
    const twice = nid(4);
    const file = csv([
      { id: member, family: '王', given: '小明', grade: 3, cls: 3, seat: 1 },
      { id: elsewhere, family: '陳', given: '怡君', gender: '女', grade: 3, cls: 3, seat: 2 },
      { id: fresh, family: '林', given: '大同', grade: '03', cls: '03', seat: 3 },
      { id: 'A123456780', family: '張', given: '三', seat: 4 },
      { id: nid(5), family: '李', given: '?美', seat: 5 },
      { id: nid(6), family: '黃', given: '小華', gender: '3', birth: '2013-02-30', seat: 6 },
      { id: twice, family: '吳', given: '一', seat: 7 },
      { id: twice, family: '吳', given: '二', seat: 8 },
      { id: nid(9), family: '周', given: '杰', grade: 4, cls: 1, seat: 9 },
    ]);
    const uploaderId = randomUUID();
    const preview = await roster.preview({
      file: utf8(file),
      filename: 'roster.csv',
      contentType: 'text/csv',
      target: { schoolId: schools.a, schoolYear: YEAR, semester: 1, grade: 3, classNo: 3 },
      uploaderId,
    });
    expect(preview.rows.map((r) => [r.line, r.status, r.problems])).toEqual([
      [2, 'member', []],
      [3, 'exists', []],
      [4, 'new', []],
      [5, 'invalid_id', ['national_id']],
      [6, 'broken_name', ['given_name']],
      [7, 'invalid', ['gender', 'birth_date']],
      [8, 'duplicate', ['national_id']],
      [9, 'duplicate', ['national_id']],
      [10, 'wrong_class', []],
    ]);
    // rows without their own grade and class go to the chosen one
    expect(preview.rows[3]).toMatchObject({ grade: 3, classNo: 3, seat: 4 });
    expect(preview.rows[1]!.account).toEqual({
      username: expect.stringMatching(/^kl002s\d{5}$/),
      nameMatches: true,
    });
    expect(preview.rows[2]).toMatchObject({
      nationalIdMasked: `${fresh.slice(0, 3)}****${fresh.slice(-3)}`,
      familyNameFirst: true,
      familyName: '林',
      givenName: '大同',
      gender: 'M',
      birthDate: '2013-05-04',
    });
    expect(preview.counts).toEqual({
      new: 1,
      exists: 1,
      member: 1,
      invalid_id: 1,
      broken_name: 1,
      invalid: 1,
      duplicate: 2,
      wrong_class: 1,
    });
    expect(preview.blocking).toBe(6);
    expect(preview.classes).toEqual([{ grade: 3, classNo: 3, title: '三年三班', rows: 8 }]);

    const refused = await errorOf(roster.apply(preview.id, uploaderId));
    expect(refused).toMatchObject({ code: 'roster.has_blocking_rows', status: 409 });
    expect(refused.message).toContain('6 rows');
    expect(await runtime.db('accounts').count<Array<{ count: number }>>('* as count')).toEqual([
      { count: 2 },
    ]);

    const result = await roster.apply(preview.id, uploaderId, { skipInvalid: true });
    expect(result.totals).toEqual({ created: 1, updated: 1, unchanged: 1, skipped: 6, failedClasses: 0 });
    expect(result.skipped).toEqual([3, 4, 5, 6, 7, 8]);
    const [klass] = result.classes;
    expect(klass).toMatchObject({ grade: 3, classNo: 3, title: '三年三班', ok: true });
    expect(klass!.created).toEqual([
      {
        index: 2,
        line: 4,
        username: 'kl001s00002',
        name: '林大同',
        seat: 3,
        familyName: '林',
        givenName: '大同',
        nationalIdMasked: `${fresh.slice(0, 3)}****${fresh.slice(-3)}`,
      },
    ]);
    expect(klass!.updated.map((u) => [u.name, u.seat])).toEqual([['陳怡君', 2]]);
    expect(klass!.unchanged.map((u) => [u.username, u.seat])).toEqual([['kl001s00001', 1]]);
    expect(await runtime.db('accounts').count<Array<{ count: number }>>('* as count')).toEqual([
      { count: 3 },
    ]);
  });

  it('keeps only the sealed, hashed and masked national ID in the stored preview', async () => {
    const { runtime } = instance;
    const schools = await createSchools(runtime);
    const id = nid(11);
    const uploaderId = randomUUID();
    const preview = await service(runtime).preview({
      file: utf8(
        csv(
          [
            { id, family: '王', given: '小明', seat: 1 },
            { id: 'Z999999999', family: '林', given: '一', seat: 2 },
          ],
          { classColumns: false },
        ),
      ),
      target: { schoolId: schools.a, schoolYear: YEAR, semester: 1, grade: 1, classNo: 1 },
      uploaderId,
    });
    const raw = await runtime.redis!.get(`oidc:RosterPreview:${preview.id}`);
    expect(raw).toContain(preview.rows[0]!.nationalIdMasked);
    expect(raw).not.toContain(id);
    expect(raw).not.toContain('Z999999999');
    expect(await runtime.redis!.ttl(`oidc:RosterPreview:${preview.id}`)).toBeGreaterThan(3500);
  });

  it('reports target and column problems with their own codes', async () => {
    const { runtime } = instance;
    const schools = await createSchools(runtime);
    const roster = service(runtime);
    const file = utf8(csv([{ id: nid(1), family: '王', given: '小明', seat: 1 }], { classColumns: false }));
    const base = { file, uploaderId: randomUUID() };
    // a whole-school import needs the rows' own grade and class
    expect(
      await errorOf(
        roster.preview({ ...base, target: { schoolId: schools.a, schoolYear: YEAR, semester: 1 } }),
      ),
    ).toEqual({
      code: 'roster.missing_column',
      message: 'missing column: 年級 (grade), 班級 (class)',
      status: 400,
    });
    expect(
      (
        await errorOf(
          roster.preview({
            ...base,
            target: { schoolId: schools.a, schoolYear: YEAR, semester: 1, grade: 2 },
          }),
        )
      ).message,
    ).toBe('missing column: 班級 (class)');
    expect(
      (
        await errorOf(
          roster.preview({
            ...base,
            target: { schoolId: randomUUID(), schoolYear: YEAR, semester: 1, grade: 1, classNo: 1 },
          }),
        )
      ).code,
    ).toBe('roster.unknown_school');
    expect(
      (
        await errorOf(
          roster.preview({
            ...base,
            target: { schoolId: schools.a, schoolYear: YEAR, semester: 3 as 1, grade: 1, classNo: 1 },
          }),
        )
      ).code,
    ).toBe('roster.invalid_target');
    expect(
      (
        await errorOf(
          roster.preview({
            ...base,
            target: { schoolId: schools.a, schoolYear: YEAR, semester: 1, classNo: 1 },
          }),
        )
      ).code,
    ).toBe('roster.invalid_target');
    expect(
      (
        await errorOf(
          service(runtime, '{schoolcode}{nope}').preview({
            ...base,
            target: { schoolId: schools.a, schoolYear: YEAR, semester: 1, grade: 1, classNo: 1 },
          }),
        )
      ).code,
    ).toBe('roster.invalid_username_rule');
  });
});

describe('corrections and apply', () => {
  it('imports a Big5 file once its broken name is corrected', async () => {
    const { runtime } = instance;
    const schools = await createSchools(runtime);
    const roster = service(runtime);
    const broken = nid(21);
    const other = nid(22, 'B', '2');
    const file = iconv.encode(
      csv([
        { id: broken, family: '王', given: '?明', grade: 3, cls: 3, seat: 1, birth: '民國102年5月4日' },
        {
          id: other,
          family: '陳',
          given: '小華',
          gender: '女',
          grade: 3,
          cls: 3,
          seat: 2,
          birth: '2013/6/7',
        },
        {
          id: nid(23),
          family: 'Smith',
          given: 'Mary',
          familyFirst: '否',
          gender: 'F',
          grade: 3,
          cls: 3,
          seat: 3,
          birth: '20130101',
        },
      ]),
      'big5',
    );
    const uploaderId = randomUUID();
    const target: RosterTarget = { schoolId: schools.a, schoolYear: YEAR, semester: 1, grade: 3, classNo: 3 };
    const preview = await roster.preview({ file, filename: '3年3班.csv', target, uploaderId });
    expect(preview).toMatchObject({ format: 'csv', encoding: 'big5' });
    expect(preview.rows.map((r) => r.status)).toEqual(['broken_name', 'new', 'new']);
    expect(preview.rows[0]!.input.given_name).toBe('?明');

    expect(
      (await errorOf(roster.correct(preview.id, uploaderId, [{ index: 9, fields: { given_name: '大明' } }])))
        .code,
    ).toBe('roster.invalid_correction');
    expect(
      (
        await errorOf(
          roster.correct(preview.id, uploaderId, [{ index: 0, fields: { nickname: 'x' } as never }]),
        )
      ).code,
    ).toBe('roster.invalid_correction');

    // a correction that is still wrong stays flagged
    const stillBroken = await roster.correct(preview.id, uploaderId, [
      { index: 0, fields: { given_name: '？明' } },
    ]);
    expect(stillBroken.rows[0]!.status).toBe('broken_name');
    const corrected = await roster.correct(preview.id, uploaderId, [
      { index: 0, fields: { given_name: '大明' } },
    ]);
    expect(corrected.rows[0]).toMatchObject({ status: 'new', givenName: '大明', problems: [] });
    expect((await roster.get(preview.id, uploaderId)).rows[0]!.givenName).toBe('大明');

    const result = await roster.apply(preview.id, uploaderId);
    expect(result.totals).toMatchObject({ created: 3, updated: 0, unchanged: 0, failedClasses: 0 });
    expect(result.classes[0]!.created.map((c) => [c.username, c.name, c.seat])).toEqual([
      ['kl001s00001', '王大明', 1],
      ['kl001s00002', '陳小華', 2],
      ['kl001s00003', 'Mary Smith', 3],
    ]);

    const account = await accountByNid(runtime, broken);
    expect(account).toMatchObject({
      username: 'kl001s00001',
      identity_type: 'student',
      school_id: schools.a,
      name: '王大明',
      family_name: '王',
      given_name: '大明',
      family_name_first: true,
      gender: 'M',
      birth_date: '2013-05-04',
      password_hash: null,
      national_id_masked: `${broken.slice(0, 3)}****${broken.slice(-3)}`,
    });
    expect(unsealNationalId(runtime.box, account.national_id_sealed)).toBe(broken);
    expect(await accountByNid(runtime, other)).toMatchObject({ gender: 'F', birth_date: '2013-06-07' });
    expect(await accountByNid(runtime, nid(23))).toMatchObject({
      name: 'Mary Smith',
      family_name_first: false,
    });
    expect(
      await runtime
        .db('account_titles')
        .where({ account_id: account.id })
        .select('school_id', 'title', 'position', 'ended_at'),
    ).toEqual([{ school_id: schools.a, title: '學生', position: 0, ended_at: null }]);
    expect(await membership(runtime, account.id)).toEqual([
      { school_id: schools.a, grade: 3, class_no: 3, title: '三年三班', seat_no: 1 },
    ]);
    const classes = await runtime
      .db('school_classes')
      .select('school_year', 'semester', 'grade', 'class_no', 'title');
    expect(classes).toEqual([{ school_year: YEAR, semester: 1, grade: 3, class_no: 3, title: '三年三班' }]);
  });

  it('imports a whole school from XLSX and UTF-8 BOM files, one class per transaction, with ROC and Gregorian dates', async () => {
    const { runtime } = instance;
    const schools = await createSchools(runtime);
    const roster = service(runtime);
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('名冊');
    sheet.addRow(['身分證字號', '姓氏', '名字', '性別', '出生年月日', '年級', '班級', '座號']);
    sheet.addRow([nid(31), '林', '一', '男', new Date(Date.UTC(2014, 0, 2)), 2, 1, 1]);
    sheet.addRow([nid(32), '林', '二', '女', '103.3.4', 2, 1, 2]);
    sheet.addRow([nid(33), '林', '三', '2', '1030506', 12, 11, 1]);
    sheet.addRow([nid(34), '林', '四', '1', '2014年7月8日', '2', '211', 1]);
    const xlsx = Buffer.from(await workbook.xlsx.writeBuffer());
    const target: RosterTarget = { schoolId: schools.a, schoolYear: YEAR, semester: 2 };
    const { preview, result } = await importAll(roster, xlsx, target);
    expect(preview.format).toBe('xlsx');
    expect(preview.classes.map((c) => [c.title, c.rows])).toEqual([
      ['二年一班', 2],
      ['二年十一班', 1],
      ['十二年十一班', 1],
    ]);
    expect(result.classes.map((c) => [c.title, c.ok, c.created.map((s) => s.username)])).toEqual([
      ['二年一班', true, ['kl001s00001', 'kl001s00002']],
      ['二年十一班', true, ['kl001s00003']],
      ['十二年十一班', true, ['kl001s00004']],
    ]);
    expect((await accountByNid(runtime, nid(31))).birth_date).toBe('2014-01-02');
    expect((await accountByNid(runtime, nid(32))).birth_date).toBe('2014-03-04');
    expect((await accountByNid(runtime, nid(33))).birth_date).toBe('2014-05-06');
    expect((await accountByNid(runtime, nid(34))).birth_date).toBe('2014-07-08');

    const bom = `\uFEFF${csv([
      { id: nid(41), family: '高', given: '一', grade: 1, cls: 1, seat: 1, birth: '2019-09-09' },
      { id: nid(42), family: '高', given: '二', grade: 1, cls: 2, seat: 1, birth: '108/10/10' },
    ])}`;
    const second = await importAll(roster, utf8(bom), target);
    expect(second.preview.encoding).toBe('utf-8');
    expect(second.result.classes.map((c) => [c.title, c.created[0]!.username])).toEqual([
      ['一年一班', 'kl001s00005'],
      ['一年二班', 'kl001s00006'],
    ]);
    expect((await accountByNid(runtime, nid(42))).birth_date).toBe('2019-10-10');
  });

  it('moves a re-imported student to the new school, class and seat, keeping the old title as history', async () => {
    const { runtime } = instance;
    const schools = await createSchools(runtime);
    const roster = service(runtime);
    const id = nid(51);
    const student = { id, family: '王', given: '小明' };
    await importAll(roster, utf8(csv([{ ...student, seat: 5 }], { classColumns: false })), {
      schoolId: schools.a,
      schoolYear: YEAR,
      semester: 1,
      grade: 3,
      classNo: 3,
    });
    const before = await accountByNid(runtime, id);

    const targetB: RosterTarget = {
      schoolId: schools.b,
      schoolYear: YEAR,
      semester: 1,
      grade: 4,
      classNo: 1,
    };
    const uploaderId = randomUUID();
    const preview = await roster.preview({
      file: utf8(csv([{ ...student, seat: 12 }], { classColumns: false })),
      target: targetB,
      uploaderId,
    });
    expect(preview.rows[0]).toMatchObject({
      status: 'exists',
      account: { username: before.username, nameMatches: true },
    });
    const result = await roster.apply(preview.id, uploaderId);
    expect(result.classes[0]!.updated).toEqual([
      { index: 0, line: 2, username: before.username, name: '王小明', seat: 12 },
    ]);

    const after = await accountByNid(runtime, id);
    expect(after).toMatchObject({ id: before.id, username: before.username, school_id: schools.b });
    const titles = await runtime
      .db('account_titles')
      .where({ account_id: before.id })
      .orderBy('started_at')
      .select('school_id', 'title', 'ended_at');
    expect(titles).toEqual([
      { school_id: schools.a, title: '學生', ended_at: expect.any(Date) },
      { school_id: schools.b, title: '學生', ended_at: null },
    ]);
    // one class per term: the seat at school A is gone, the new one holds
    expect(await membership(runtime, before.id)).toEqual([
      { school_id: schools.b, grade: 4, class_no: 1, title: '四年一班', seat_no: 12 },
    ]);

    // a seat change within the class is an update; the identical file is then a member
    const reseat = await importAll(
      roster,
      utf8(csv([{ ...student, seat: 13 }], { classColumns: false })),
      targetB,
    );
    expect(reseat.preview.rows[0]!.status).toBe('exists');
    const again = await importAll(
      roster,
      utf8(csv([{ ...student, seat: 13 }], { classColumns: false })),
      targetB,
    );
    expect(again.preview.rows[0]!.status).toBe('member');
    expect(again.result.totals).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    expect(await membership(runtime, before.id)).toEqual([
      { school_id: schools.b, grade: 4, class_no: 1, title: '四年一班', seat_no: 13 },
    ]);
    expect(
      await runtime
        .db('account_titles')
        .where({ account_id: before.id })
        .count<Array<{ count: number }>>('* as count'),
    ).toEqual([{ count: 2 }]);
  });

  it('restores a soft-deleted student who is imported again', async () => {
    const { runtime } = instance;
    const schools = await createSchools(runtime);
    const roster = service(runtime);
    const id = nid(55);
    const target: RosterTarget = { schoolId: schools.a, schoolYear: YEAR, semester: 1, grade: 2, classNo: 1 };
    const file = utf8(
      csv([{ id, family: '林', given: '小美', gender: '女', seat: 3 }], { classColumns: false }),
    );
    await importAll(roster, file, target);
    const account = await accountByNid(runtime, id);
    await runtime.db('accounts').where({ id: account.id }).update({ deleted_at: new Date() });

    const again = await importAll(roster, file, target);
    expect(again.preview.rows[0]!.status).toBe('exists');
    expect(again.result.totals).toMatchObject({ created: 0, updated: 1 });
    expect(await accountByNid(runtime, id)).toMatchObject({ id: account.id, deleted_at: null });
  });

  it('rolls back a whole class when a concurrent import registers one of its national IDs, writing the other classes', async () => {
    const { runtime } = instance;
    const schools = await createSchools(runtime);
    const roster = service(runtime);
    const contested = nid(62);
    const file = csv([
      { id: nid(61), family: '甲', given: '一', grade: 3, cls: 1, seat: 1 },
      { id: contested, family: '乙', given: '二', grade: 3, cls: 2, seat: 1 },
      { id: nid(63), family: '丙', given: '三', grade: 3, cls: 2, seat: 2 },
    ]);
    const uploaderId = randomUUID();
    const preview = await roster.preview({
      file: utf8(file),
      target: { schoolId: schools.a, schoolYear: YEAR, semester: 1, grade: 3 },
      uploaderId,
    });
    expect(preview.rows.map((r) => r.status)).toEqual(['new', 'new', 'new']);

    // another import (another connection) registers the contested number and has not committed
    const other = await runtime.db.transaction();
    const sealed = sealNationalId(runtime.box, contested);
    await other('accounts').insert({
      username: 'racer',
      identity_type: 'student',
      national_id_sealed: sealed.sealed,
      national_id_hash: sealed.hash,
      national_id_masked: sealed.masked,
    });
    let result: Awaited<ReturnType<RosterService['apply']>>;
    try {
      const applying = roster.apply(preview.id, uploaderId);
      // wait until the import is blocked on that row, then let the other one commit
      for (let i = 0; ; i++) {
        const waiting = await runtime.db.raw('SELECT 1 FROM pg_locks WHERE NOT granted');
        if (waiting.rowCount > 0) break;
        if (i > 200) throw new Error('the import never waited on the concurrent insert');
        await new Promise((r) => setTimeout(r, 25));
      }
      await other.commit();
      result = await applying;
    } finally {
      if (!other.isCompleted()) await other.rollback();
    }

    expect(result.classes.map((c) => [c.title, c.ok, c.error?.code])).toEqual([
      ['三年一班', true, undefined],
      ['三年二班', false, 'roster.national_id_taken'],
    ]);
    expect(result.totals).toMatchObject({ created: 1, failedClasses: 1 });
    // nothing of 三年二班: no class row, no account for its other student, no titles or seats
    expect(await runtime.db('school_classes').pluck('title')).toEqual(['三年一班']);
    expect(await accountByNid(runtime, nid(63))).toBeUndefined();
    const racer = await runtime
      .db('accounts')
      .where({ national_id_hash: hashNationalId(runtime.box, contested) })
      .first();
    expect(racer.username).toBe('racer');
    expect(await runtime.db('account_titles').count<Array<{ count: number }>>('* as count')).toEqual([
      { count: 1 },
    ]);
    expect(await runtime.db('class_members').count<Array<{ count: number }>>('* as count')).toEqual([
      { count: 1 },
    ]);

    // applying again finishes the job: 三年一班 is unchanged, the contested student moves in
    const retry = await roster.apply(preview.id, uploaderId);
    expect(
      retry.classes.map((c) => [c.title, c.ok, c.created.length, c.updated.length, c.unchanged.length]),
    ).toEqual([
      ['三年一班', true, 0, 0, 1],
      ['三年二班', true, 1, 1, 0],
    ]);
  });
});

describe('usernames', () => {
  const students = (from: number, n: number, cls: number) =>
    Array.from({ length: n }, (_, i) => ({
      id: nid(from + i),
      family: '林',
      given: `${i}號`,
      grade: 5,
      cls,
      seat: n - i,
    }));

  it('continues after the largest number in use, in seat order, and never repeats one under concurrency', async () => {
    const { runtime } = instance;
    const schools = await createSchools(runtime);
    await runtime.accounts.upsert({ username: 'kl001s00041' });
    await runtime.accounts.upsert({ username: 'kl001s9x' });
    const roster = service(runtime);
    const target: RosterTarget = { schoolId: schools.a, schoolYear: YEAR, semester: 1 };
    const first = await importAll(roster, utf8(csv(students(100, 3, 1))), target);
    // seats 3, 2, 1 in file order: numbers follow the seats
    expect(first.result.classes[0]!.created.map((c) => [c.seat, c.username])).toEqual([
      [1, 'kl001s00042'],
      [2, 'kl001s00043'],
      [3, 'kl001s00044'],
    ]);

    // four classes of the same school applied at the same time
    const uploads = await Promise.all(
      [2, 3, 4, 5].map((cls) => {
        const uploaderId = randomUUID();
        return roster
          .preview({ file: utf8(csv(students(200 + cls * 50, 25, cls))), target, uploaderId })
          .then((p) => ({ p, uploaderId }));
      }),
    );
    const results = await Promise.all(uploads.map(({ p, uploaderId }) => roster.apply(p.id, uploaderId)));
    const usernames = results.flatMap((r) => r.classes.flatMap((c) => c.created.map((s) => s.username)));
    expect(usernames).toHaveLength(100);
    expect(new Set(usernames).size).toBe(100);
    expect(usernames.map((u) => Number(u.slice(6))).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 100 }, (_, i) => 45 + i),
    );
  });

  it('renders the configured tokens, and reports a deterministic username that is taken', async () => {
    const { runtime } = instance;
    const schools = await createSchools(runtime);
    const target: RosterTarget = { schoolId: schools.a, schoolYear: YEAR, semester: 1, grade: 3, classNo: 4 };
    const seated = service(runtime, '{schoolcode}{year}{grade}{class:2}{seat:2}');
    const { result } = await importAll(
      seated,
      utf8(csv([{ id: nid(71), family: '王', given: '一', seat: 7 }], { classColumns: false })),
      target,
    );
    expect(result.classes[0]!.created[0]!.username).toBe('kl00111530407');

    const byBirth = service(runtime, 'st{birth:yyyymmdd}{random:4}');
    const second = await importAll(
      byBirth,
      utf8(
        csv([{ id: nid(72), family: '王', given: '二', seat: 8, birth: '102/05/04' }], {
          classColumns: false,
        }),
      ),
      target,
    );
    expect(second.result.classes[0]!.created[0]!.username).toMatch(/^st20130504[0-9a-z]{4}$/);

    // a seat rule without seats cannot name a new student
    const noSeat = await seated.preview({
      file: utf8(csv([{ id: nid(73), family: '王', given: '三' }], { classColumns: false })),
      target,
      uploaderId: randomUUID(),
    });
    expect(noSeat.rows[0]).toMatchObject({ status: 'invalid', problems: ['seat'] });

    // the same seat in another term's file gives the same username: the class is not written
    await runtime.accounts.upsert({ username: 'kl00111530409' });
    const uploaderId = randomUUID();
    const clash = await seated.preview({
      file: utf8(
        csv(
          [
            { id: nid(74), family: '王', given: '四', seat: 9 },
            { id: nid(75), family: '王', given: '五', seat: 10 },
          ],
          { classColumns: false },
        ),
      ),
      target,
      uploaderId,
    });
    const failed = await seated.apply(clash.id, uploaderId);
    expect(failed.classes[0]).toMatchObject({ ok: false, error: { code: 'roster.username_taken' } });
    expect(failed.classes[0]!.error!.message).toContain('kl00111530409');
    expect(await accountByNid(runtime, nid(75))).toBeUndefined();
  });
});

describe('preview ownership', () => {
  it("refuses another uploader's preview and an expired one", async () => {
    const { runtime } = instance;
    const schools = await createSchools(runtime);
    const roster = service(runtime);
    const uploaderId = randomUUID();
    const preview = await roster.preview({
      file: utf8(csv([{ id: nid(81), family: '王', given: '一', seat: 1 }], { classColumns: false })),
      target: { schoolId: schools.a, schoolYear: YEAR, semester: 1, grade: 1, classNo: 1 },
      uploaderId,
    });
    const intruder = randomUUID();
    for (const attempt of [
      roster.get(preview.id, intruder),
      roster.correct(preview.id, intruder, [{ index: 0, fields: { given_name: '二' } }]),
      roster.apply(preview.id, intruder),
      roster.discard(preview.id, intruder),
      roster.get('not-an-id', uploaderId),
    ]) {
      expect(await errorOf(attempt)).toMatchObject({ code: 'roster.preview_not_found', status: 404 });
    }
    expect(await runtime.db('accounts').count<Array<{ count: number }>>('* as count')).toEqual([
      { count: 0 },
    ]);

    const later = service(runtime, undefined, () => new Date(Date.now() + 2 * 3600_000));
    expect((await errorOf(later.apply(preview.id, uploaderId))).code).toBe('roster.preview_not_found');

    expect((await roster.get(preview.id, uploaderId)).rows).toHaveLength(1);
    await roster.discard(preview.id, uploaderId);
    expect((await errorOf(roster.get(preview.id, uploaderId))).code).toBe('roster.preview_not_found');
  });
});
