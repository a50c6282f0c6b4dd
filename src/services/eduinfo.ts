/**
 * eduinfo (reference §4.1): who a person is at which school, in the shape MOE and county RPs
 * parse. Every value is a string; titles and classinfo are arrays even with one element.
 *
 * Ordering is part of the contract: the main school's entry comes first and its first title
 * is the identity (學生, 教師, 職員), because Changhua apps read titles[0].titles[0] as the
 * identity and titles[0].titles[1] as the job title.
 *
 * classinfo lists the classes the account sits in (class_members) in each school's current
 * term. A teacher's taught classes (class_teachers) are not listed: RPs such as 因材網 take an
 * entry of classinfo as a student seat, and a teacher's classes belong to `relation`, whose
 * shape is NOT FOUND. With no class the key is left out, as in MOE's sample for a teacher.
 *
 * v2 adds the seat number as `seatno`: 因材網 requires a seat in v2 classinfo but its field
 * name is NOT FOUND; `seatno` is our choice.
 */
import type { Account, IdentityType } from '../adapters/db/accounts.js';
import {
  type CurrentClassRow,
  type CurrentTitleRow,
  findCurrentClasses,
  findCurrentTitles,
  findOrganizationCode,
} from '../adapters/db/eduinfo.js';
import type { Db } from '../adapters/db.js';

export const IDENTITY_TITLES: Readonly<Record<IdentityType, string | undefined>> = {
  student: '學生',
  teacher: '教師',
  staff: '職員',
  other: undefined,
};

export type EduInfoVersion = 1 | 2;

export interface EduInfoTitles {
  schoolid: string;
  titles: string[];
}

export interface EduInfoClass {
  /** ROC school year, "115" */
  year: string;
  /** "1" or "2" */
  semester: string;
  schoolid: string;
  /** "6" */
  grade: string;
  /** two digits, "04" */
  classno: string;
  /** "六年四班" */
  classtitle: string;
  /** v2 only, two digits, "07"; left out when the seat is unknown */
  seatno?: string;
}

export interface EduInfo {
  sub: string;
  schoolid: string;
  titles: EduInfoTitles[];
  classinfo?: EduInfoClass[];
}

export interface EduInfoInput {
  sub: string;
  identityType: IdentityType | null;
  mainSchoolId: string | null;
  mainSchoolCode: string | undefined;
  titles: readonly CurrentTitleRow[];
  classes: readonly CurrentClassRow[];
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** The eduinfo object from directory rows; pure, so the ordering rules are easy to see. */
export function buildEduInfo(input: EduInfoInput, version: EduInfoVersion = 1): EduInfo {
  const identity = input.identityType ? IDENTITY_TITLES[input.identityType] : undefined;

  const bySchool = new Map<string, EduInfoTitles>();
  if (input.mainSchoolId && input.mainSchoolCode) {
    bySchool.set(input.mainSchoolId, { schoolid: input.mainSchoolCode, titles: [] });
  }
  for (const row of input.titles) {
    const entry = bySchool.get(row.schoolId) ?? { schoolid: row.schoolCode, titles: [] };
    bySchool.set(row.schoolId, entry);
    if (!entry.titles.includes(row.title)) entry.titles.push(row.title);
  }
  const titles = [...bySchool.values()];
  titles.forEach((entry, i) => {
    const at = identity ? entry.titles.indexOf(identity) : -1;
    if (at > 0) entry.titles.unshift(...entry.titles.splice(at, 1));
    // the first entry is the main school (or, without one, the only place an RP looks)
    else if (at < 0 && i === 0 && identity) entry.titles.unshift(identity);
  });
  const nonEmpty = titles.filter((entry) => entry.titles.length > 0);

  const classes = [...input.classes].sort(
    (a, b) => Number(b.schoolId === input.mainSchoolId) - Number(a.schoolId === input.mainSchoolId),
  );
  const classinfo = classes.map(
    (c): EduInfoClass => ({
      year: String(c.schoolYear),
      semester: String(c.semester),
      schoolid: c.schoolCode,
      grade: String(c.grade),
      classno: pad2(c.classNo),
      classtitle: c.title,
      ...(version === 2 && c.seatNo !== null ? { seatno: pad2(c.seatNo) } : {}),
    }),
  );

  return {
    sub: input.sub,
    schoolid: input.mainSchoolCode ?? nonEmpty[0]?.schoolid ?? '',
    titles: nonEmpty,
    ...(classinfo.length ? { classinfo } : {}),
  };
}

export interface EduInfoService {
  find(account: Account, version?: EduInfoVersion): Promise<EduInfo>;
}

export function createEduInfoService(db: Db): EduInfoService {
  return {
    async find(account, version = 1) {
      const [mainSchoolCode, titles, classes] = await Promise.all([
        account.schoolId ? findOrganizationCode(db, account.schoolId) : undefined,
        findCurrentTitles(db, account.id),
        findCurrentClasses(db, account.id),
      ]);
      return buildEduInfo(
        {
          sub: account.id,
          identityType: account.identityType,
          mainSchoolId: account.schoolId,
          mainSchoolCode,
          titles,
          classes,
        },
        version,
      );
    },
  };
}
