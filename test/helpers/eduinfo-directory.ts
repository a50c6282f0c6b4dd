/**
 * A small directory for the eduinfo and resource-endpoint tests, written with knex: a county,
 * two schools, classes in last term and this term, a student and a teacher whose titles are
 * stored in an order the eduinfo rules must fix.
 */
import type { Runtime } from '../../src/runtime.js';
import { sealNationalId, withCheckDigit } from '../../src/services/national-id.js';
import { PASSWORD } from './fixtures.js';

export const MAIN_SCHOOL_CODE = '173637';
export const OTHER_SCHOOL_CODE = '173601';
/** a made-up number with a solved check digit (reference §11.3) */
export const STUDENT_NATIONAL_ID = withCheckDigit('A10004321');

export async function seedDirectory(runtime: Runtime) {
  const { db } = runtime;
  const [county] = await db('organizations')
    .insert({ kind: 'county', code: 'kl', name: '基隆市政府教育處' })
    .returning('id');
  const [main, other] = await db('organizations')
    .insert([
      {
        kind: 'school',
        code: MAIN_SCHOOL_CODE,
        name: '基隆市立測試國民小學',
        level: 'elementary',
        parent_id: county.id,
      },
      {
        kind: 'school',
        code: OTHER_SCHOOL_CODE,
        name: '基隆市立測試國民中學',
        level: 'junior',
        parent_id: county.id,
      },
    ])
    .returning('id');
  const [lastTerm, thisTerm, otherClass] = await db('school_classes')
    .insert([
      { school_id: main.id, school_year: 114, semester: 2, grade: 5, class_no: 4, title: '五年四班' },
      { school_id: main.id, school_year: 115, semester: 1, grade: 6, class_no: 4, title: '六年四班' },
      { school_id: main.id, school_year: 115, semester: 1, grade: 6, class_no: 3, title: '六年三班' },
    ])
    .returning('id');

  const sealed = sealNationalId(runtime.box, STUDENT_NATIONAL_ID);
  const { account: student } = await runtime.accounts.upsert({
    username: 'stu01',
    password: PASSWORD,
    name: '林小美',
    familyName: '林',
    givenName: '小美',
    email: 'stu01@st.kl.edu.tw',
    emailVerified: true,
    identityType: 'student',
    schoolId: main.id,
    nationalIdSealed: sealed.sealed,
    nationalIdHash: sealed.hash,
    nationalIdMasked: sealed.masked,
  });
  const { account: teacher } = await runtime.accounts.upsert({
    username: 'tea01',
    password: PASSWORD,
    name: '陳大文',
    email: 'tea01@kl.edu.tw',
    emailVerified: true,
    identityType: 'teacher',
    schoolId: main.id,
    openid2Ids: ['https://openid.kl.edu.tw/tea01', 'https://openid.tn.edu.tw/op/user.aspx/tea01'],
  });

  const earlier = new Date('2024-08-01T00:00:00Z');
  const later = new Date('2025-08-01T00:00:00Z');
  await db('account_titles').insert([
    // the identity title stored second: eduinfo must still put it first
    { account_id: student.id, school_id: main.id, title: '小老師', position: 0, started_at: later },
    { account_id: student.id, school_id: main.id, title: '學生', position: 1, started_at: later },
    // an ended title is history, not eduinfo
    { account_id: student.id, school_id: main.id, title: '班長', position: 2, ended_at: later },
    // the other school's titles started earlier, yet the main school comes first
    { account_id: teacher.id, school_id: other.id, title: '資訊組長', position: 0, started_at: earlier },
    { account_id: teacher.id, school_id: other.id, title: '教師', position: 1, started_at: earlier },
    // no 教師 stored at the main school: eduinfo adds the identity title
    { account_id: teacher.id, school_id: main.id, title: '導師', position: 0, started_at: later },
  ]);
  await db('class_members').insert([
    { class_id: lastTerm.id, account_id: student.id, seat_no: 9 },
    { class_id: thisTerm.id, account_id: student.id, seat_no: 7 },
  ]);
  await db('class_teachers').insert({ class_id: otherClass.id, account_id: teacher.id, kind: 'homeroom' });
  return { student, teacher, schools: { main: main.id as string, other: other.id as string } };
}

/** The eduinfo the seed yields for the student (v1; v2 adds seatno). */
export const studentEduInfo = (sub: string, version: 1 | 2 = 1) => ({
  sub,
  schoolid: MAIN_SCHOOL_CODE,
  titles: [{ schoolid: MAIN_SCHOOL_CODE, titles: ['學生', '小老師'] }],
  classinfo: [
    {
      year: '115',
      semester: '1',
      schoolid: MAIN_SCHOOL_CODE,
      grade: '6',
      classno: '04',
      classtitle: '六年四班',
      ...(version === 2 ? { seatno: '07' } : {}),
    },
  ],
});

/** The teacher's: no classinfo (taught classes are not seats). */
export const teacherEduInfo = (sub: string) => ({
  sub,
  schoolid: MAIN_SCHOOL_CODE,
  titles: [
    { schoolid: MAIN_SCHOOL_CODE, titles: ['教師', '導師'] },
    { schoolid: OTHER_SCHOOL_CODE, titles: ['教師', '資訊組長'] },
  ],
});
