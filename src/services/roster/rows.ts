/**
 * One roster row (學籍資料) from a school administration system's export: the cell texts as
 * typed there, normalised to what the accounts table stores. Exports differ by vendor and by
 * the clerk who typed them: full-width digits, "03", ROC dates (民國102年5月4日, 1020504),
 * 男/女 or 1/2, and names that lost a character to Big5 ("王?明") all arrive here.
 */
import { isValidNationalId, maskNationalId, normalizeNationalId } from '../national-id.js';

/** The columns a roster file may carry, named as the English header aliases. */
export const ROSTER_FIELDS = [
  'national_id',
  'family_name_first',
  'family_name',
  'given_name',
  'gender',
  'birth_date',
  'grade',
  'class',
  'seat',
] as const;
export type RosterField = (typeof ROSTER_FIELDS)[number];

/** Cell texts of one row, keyed by field; a field the file has no column for is absent. */
export type RawRosterFields = Partial<Record<RosterField, string>>;

export type Gender = 'M' | 'F' | 'X';

export interface NormalizedRosterFields {
  familyNameFirst: boolean | null;
  familyName: string;
  givenName: string;
  gender: Gender | null;
  /** YYYY-MM-DD */
  birthDate: string | null;
  grade: number | null;
  classNo: number | null;
  seat: number | null;
  /** fields whose text could not be read (national_id and names are judged separately) */
  problems: RosterField[];
  /** a name is empty or lost characters in a Big5 conversion */
  brokenName: boolean;
}

const MAX_NAME_LENGTH = 50;

/** NFKC folds full-width digits and letters (１２, Ａ) that a Chinese IME produces. */
const fold = (s: string) => s.normalize('NFKC').trim();

/** Trimmed, inner runs of white space collapsed. No Unicode normalisation: NFC would replace
 * CJK compatibility ideographs, which are distinct characters in people's names. */
export function cleanName(input: string | undefined): string {
  return (input ?? '').replace(/[\s\u3000]+/g, ' ').trim();
}

// '?' and '？' are what Big5 exports write for a character outside Big5; U+FFFD is what a
// decoder writes for undecodable bytes; the private use area holds a school's own 造字
// (user-defined characters), which show as garbage anywhere else.
const BROKEN_NAME = /[?？\uFFFD\uE000-\uF8FF]/;

export function isBrokenName(name: string): boolean {
  return name === '' || BROKEN_NAME.test(name);
}

const TRUE_WORDS = new Set(['是', 'y', 'yes', '1', 'true', 't', 'v', '✓', '○']);
const FALSE_WORDS = new Set(['否', 'n', 'no', '0', 'false', 'f', '×']);

/** 姓氏在前: 是/否, Y/N, 1/0, true/false; empty means yes (Chinese names). */
export function parseFamilyNameFirst(input: string | undefined): boolean | undefined {
  const v = fold(input ?? '').toLowerCase();
  if (v === '' || TRUE_WORDS.has(v)) return true;
  if (FALSE_WORDS.has(v)) return false;
  return undefined;
}

const GENDERS: Readonly<Record<string, Gender>> = {
  男: 'M',
  男性: 'M',
  男生: 'M',
  m: 'M',
  male: 'M',
  '1': 'M',
  女: 'F',
  女性: 'F',
  女生: 'F',
  f: 'F',
  female: 'F',
  '2': 'F',
  x: 'X',
};

/** 男/女, M/F, 1/2 (the national ID's own digit for sex). */
export function parseGender(input: string | undefined): Gender | undefined {
  return GENDERS[fold(input ?? '').toLowerCase()];
}

/** A number such as "03", "３", "3年", "3年級", "3班", "12號" within [min, max]. */
export function parseSmallInt(input: string | undefined, min: number, max: number): number | undefined {
  const v = fold(input ?? '').replace(/(年級|年|班|號|号)$/, '');
  if (!/^\d{1,4}$/.test(v)) return undefined;
  const n = Number(v);
  return n >= min && n <= max ? n : undefined;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

function isoDate(year: number, month: number, day: number, today: Date): string | undefined {
  if (year < 1900 || month < 1 || month > 12 || day < 1) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 2013-02-30 over into March: a changed month means the day does not exist
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  if (date.getTime() > today.getTime()) return undefined;
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

/**
 * Birth dates as school systems write them, to YYYY-MM-DD:
 * Gregorian 2013-05-04, 2013/5/4, 2013.5.4, 20130504, 2013年5月4日;
 * ROC (民國, year + 1911) 102/05/04, 102.5.4, 102-5-4, 1020504, 990504, 民國102年5月4日.
 * A trailing time of day (Excel text exports: "2013/5/4 上午 12:00:00") is ignored.
 * Impossible or future dates give undefined.
 */
export function parseBirthDate(input: string | undefined, today = new Date()): string | undefined {
  let v = fold(input ?? '')
    .replace(/\s*(上午|下午)?\s*\d{1,2}:\d{2}(:\d{2})?(\.\d+)?\s*(am|pm|z)?$/i, '')
    .replace(/t$/i, '')
    .trim();
  let roc = false;
  const era = /^(中華民國|民國|民)\s*/.exec(v);
  if (era) {
    roc = true;
    v = v.slice(era[0].length);
  }
  let parts: [string, string, string] | undefined;
  const separated = /^(\d{1,4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?$/.exec(v);
  if (separated) parts = [separated[1]!, separated[2]!, separated[3]!];
  else if (/^\d{8}$/.test(v) && !roc) parts = [v.slice(0, 4), v.slice(4, 6), v.slice(6)];
  else if (/^\d{6,7}$/.test(v)) parts = [v.slice(0, -4), v.slice(-4, -2), v.slice(-2)];
  if (!parts) return undefined;
  const [y, m, d] = parts;
  // a year of up to three digits is a ROC year (民國 1 = 1912); four digits are Gregorian
  const year = roc || y.length <= 3 ? Number(y) + 1911 : Number(y);
  if (roc && y.length > 3) return undefined;
  if (Number(y) === 0) return undefined;
  return isoDate(year, Number(m), Number(d), today);
}

/** A national ID or resident certificate number, judged by national-id.ts. */
export interface NationalIdCheck {
  /** normalised (upper-case, folded); only meaningful when valid */
  value: string;
  valid: boolean;
  /** what a page may show: A12****789, or *** for something too short to mask */
  masked: string;
}

export function checkNationalId(input: string | undefined): NationalIdCheck {
  const value = normalizeNationalId(input ?? '');
  const valid = isValidNationalId(value);
  return { value, valid, masked: value.length >= 7 ? maskNationalId(value) : value ? '***' : '' };
}

/**
 * Normalises the fields other than the national ID. Grade and class left empty stay null (the
 * import target may supply them); a class written with its grade ("301": grade 3, class 1)
 * is split when it agrees with the grade column or there is none.
 */
export function normalizeRosterFields(raw: RawRosterFields, today = new Date()): NormalizedRosterFields {
  const problems: RosterField[] = [];
  const present = (f: RosterField) => fold(raw[f] ?? '') !== '';

  const familyName = cleanName(raw.family_name);
  const givenName = cleanName(raw.given_name);
  const brokenName = isBrokenName(familyName) || isBrokenName(givenName);
  if (familyName.length > MAX_NAME_LENGTH) problems.push('family_name');
  if (givenName.length > MAX_NAME_LENGTH) problems.push('given_name');

  const familyNameFirst = parseFamilyNameFirst(raw.family_name_first);
  if (familyNameFirst === undefined) problems.push('family_name_first');
  const gender = parseGender(raw.gender);
  if (!gender) problems.push('gender');
  const birthDate = parseBirthDate(raw.birth_date, today);
  if (!birthDate) problems.push('birth_date');

  let grade: number | null = null;
  if (present('grade')) {
    grade = parseSmallInt(raw.grade, 1, 12) ?? null;
    if (grade === null) problems.push('grade');
  }
  let classNo: number | null = null;
  if (present('class')) {
    const n = parseSmallInt(raw.class, 1, 1299);
    if (n !== undefined && n <= 99) classNo = n;
    else if (n !== undefined && n % 100 >= 1 && (grade === null || Math.floor(n / 100) === grade)) {
      const combinedGrade = Math.floor(n / 100);
      if (combinedGrade >= 1 && combinedGrade <= 12) {
        grade ??= combinedGrade;
        classNo = n % 100;
      }
    }
    if (classNo === null) problems.push('class');
  }
  let seat: number | null = null;
  if (present('seat')) {
    seat = parseSmallInt(raw.seat, 1, 999) ?? null;
    if (seat === null) problems.push('seat');
  }

  return {
    familyNameFirst: familyNameFirst ?? null,
    familyName,
    givenName,
    gender: gender ?? null,
    birthDate: birthDate ?? null,
    grade,
    classNo,
    seat,
    problems,
    brokenName,
  };
}

/** 王小明 for Chinese order, "Mary Smith" otherwise. */
export function displayName(familyName: string, givenName: string, familyNameFirst: boolean): string {
  return familyNameFirst ? `${familyName}${givenName}` : `${givenName} ${familyName}`;
}

const DIGITS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 99 → 九十九. */
export function chineseNumber(n: number): string {
  if (n < 10) return DIGITS[n]!;
  const tens = Math.floor(n / 10);
  return `${tens === 1 ? '' : DIGITS[tens]}十${DIGITS[n % 10]}`;
}

/** 三年三班, 十二年十一班: the title a class gets when the import creates it. */
export function classTitle(grade: number, classNo: number): string {
  return `${chineseNumber(grade)}年${chineseNumber(classNo)}班`;
}
