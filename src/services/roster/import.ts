/**
 * 學籍資料匯入: students from a school administration system's export become accounts.
 *
 *   preview   file → every row with its status, nothing written; stored server-side (one hour)
 *             under a random id, with the uploader and the target (school, term, grade, class)
 *   correct   the admin fixes rows (a name that lost a character to Big5, a mistyped ID);
 *             those rows are judged again, duplicates and database state with them
 *   apply     per class, one transaction: the class, new accounts (usernames from the configured
 *             rule), the 學生 title, the seat; existing accounts move to the school and class
 *
 * The preview shows what the admin decides on; apply judges new / exists / member again inside
 * each class's transaction with the account rows locked, so an import that raced another
 * cannot move or duplicate anyone. The full national ID is never stored in the preview: only
 * its sealed form, keyed hash and mask (an invalid one: its mask and, encrypted, the text as
 * typed, which only the correction form of its uploader shows).
 */
import { randomBytes } from 'node:crypto';
import {
  findAccountsByNationalIdHashes,
  findRosterSchool,
  findTakenUsernames,
  insertStudentAccounts,
  lockUsernamePrefixes,
  maxUsernameSequence,
  placeStudentsInClass,
  type RosterAccountMatch,
  type RosterSchool,
  uniqueViolationConstraint,
  upsertSchoolClass,
} from '../../adapters/db/roster.js';
import type { Db } from '../../adapters/db.js';
import type { Payload, PayloadStore } from '../../adapters/oidc/payload-store.js';
import { assert, defineErrors, isAppError } from '../../errors.js';
import { sealNationalId, unsealNationalId } from '../national-id.js';
import type { SecretBox } from '../secret-box.js';
import { missingColumnError, parseRosterFile } from './parse.js';
import {
  checkNationalId,
  classTitle,
  displayName,
  isBrokenName,
  type NormalizedRosterFields,
  normalizeRosterFields,
  type RawRosterFields,
  ROSTER_FIELDS,
  type RosterField,
} from './rows.js';
import {
  parseUsernameRule,
  renderUsername,
  type UsernameContext,
  type UsernameRule,
  usernameAffixes,
  usernameWithSeq,
} from './username-rule.js';

export const rosterErrors = defineErrors('roster', {
  invalid_target: { message: 'roster.invalid_target' },
  unknown_school: { status: 404, message: 'roster.unknown_school' },
  preview_not_found: { status: 404, message: 'roster.preview_not_found' },
  has_blocking_rows: { status: 409, message: 'roster.has_blocking_rows' },
  invalid_correction: { message: 'roster.invalid_correction' },
  national_id_taken: { status: 409, message: 'roster.national_id_taken' },
  username_taken: { status: 409, message: 'roster.username_taken' },
  not_a_student: { status: 409, message: 'roster.not_a_student' },
});

/** Row statuses: stable codes; the view turns them into 身份證已存在, 已是會員, … */
export const ROSTER_ROW_STATUSES = [
  'new',
  'exists',
  'member',
  'invalid_id',
  'broken_name',
  'invalid',
  'duplicate',
  'wrong_class',
] as const;
export type RosterRowStatus = (typeof ROSTER_ROW_STATUSES)[number];

/** Rows apply refuses to write; with skipInvalid it leaves them out instead. */
export const BLOCKING_STATUSES: ReadonlySet<RosterRowStatus> = new Set([
  'invalid_id',
  'broken_name',
  'invalid',
  'duplicate',
  'wrong_class',
]);

/** The title of every imported student at their school (position 0: the identity title). */
export const STUDENT_TITLE = '學生';
const PREVIEW_MODEL = 'RosterPreview';
export const PREVIEW_TTL_SECONDS = 3600;
const PREVIEW_ID = /^[A-Za-z0-9_-]{22}$/;
const MAX_CORRECTION_LENGTH = 200;

/** Where the rows go. Without classNo (or grade) each row's own grade and class columns decide. */
export interface RosterTarget {
  /** organizations.id of a school */
  schoolId: string;
  /** ROC school year (學年度), e.g. 115 */
  schoolYear: number;
  semester: 1 | 2;
  grade?: number | undefined;
  classNo?: number | undefined;
}

/** A field the admin must fix; identity_type: the ID belongs to a teacher's or staff account. */
export type RosterProblem = RosterField | 'identity_type';

export interface RosterRow extends Omit<NormalizedRosterFields, 'problems' | 'brokenName'> {
  /** position in the preview (0-based): what corrections refer to */
  index: number;
  /** the row number the spreadsheet shows */
  line: number;
  status: RosterRowStatus;
  problems: RosterProblem[];
  nationalIdMasked: string;
  /** the cells as the file had them (national_id left out), for the correction form */
  input: RawRosterFields;
  /** the account with this national ID, when there is one */
  account?: { username: string; nameMatches: boolean };
}

export interface RosterClassSummary {
  grade: number;
  classNo: number;
  title: string;
  rows: number;
}

export interface RosterPreview {
  id: string;
  target: RosterTarget;
  school: { id: string; code: string; name: string };
  filename: string | null;
  format: 'csv' | 'xlsx';
  encoding: string | null;
  createdAt: string;
  expiresAt: string;
  rows: RosterRow[];
  counts: Record<RosterRowStatus, number>;
  /** the classes the rows go to (rows with a grade and class) */
  classes: RosterClassSummary[];
  /** rows with a blocking status: apply needs them fixed or skipInvalid */
  blocking: number;
}

export interface RosterStudentLine {
  index: number;
  line: number;
  username: string;
  name: string;
  seat: number | null;
}

export interface RosterCreatedStudent extends RosterStudentLine {
  familyName: string;
  givenName: string;
  nationalIdMasked: string;
}

export interface RosterClassResult {
  grade: number;
  classNo: number;
  title: string;
  ok: boolean;
  /** why the class was not written (its transaction rolled back) */
  error?: { code: string; message: string };
  classId: string | null;
  /** new accounts, for the printable list of usernames */
  created: RosterCreatedStudent[];
  /** existing accounts moved to this school, class or seat */
  updated: RosterStudentLine[];
  /** already members of this class with this seat */
  unchanged: RosterStudentLine[];
}

export interface RosterApplyResult {
  previewId: string;
  school: { id: string; code: string; name: string };
  target: RosterTarget;
  classes: RosterClassResult[];
  /** indexes of rows left out (skipInvalid) */
  skipped: number[];
  totals: { created: number; updated: number; unchanged: number; skipped: number; failedClasses: number };
}

/** Corrected cell texts for one row, as the correction form posts them. */
export interface RosterCorrection {
  index: number;
  fields: Partial<Record<RosterField, string>>;
}

export interface RosterService {
  /**
   * @throws roster.unsupported_format | unreadable_file | empty_file | missing_column |
   *   too_many_rows | invalid_target | unknown_school | invalid_username_rule
   */
  preview(input: {
    file: Buffer;
    filename?: string | undefined;
    contentType?: string | undefined;
    target: RosterTarget;
    uploaderId: string;
  }): Promise<RosterPreview>;
  /** @throws roster.preview_not_found (expired, unknown, or another uploader's) */
  get(previewId: string, uploaderId: string): Promise<RosterPreview>;
  /** @throws roster.preview_not_found, roster.invalid_correction */
  correct(
    previewId: string,
    uploaderId: string,
    corrections: readonly RosterCorrection[],
  ): Promise<RosterPreview>;
  /**
   * Writes the preview, one transaction per class. A class that fails (a national ID or
   * username taken by a concurrent import) is reported in its result and leaves nothing behind;
   * the other classes are written. Applying again is safe: written rows are then members.
   * @throws roster.preview_not_found, roster.has_blocking_rows, roster.unknown_school,
   *   roster.invalid_username_rule
   */
  apply(
    previewId: string,
    uploaderId: string,
    options?: {
      skipInvalid?: boolean;
      /**
       * Called inside each class's transaction after its rows are written (the audit entry):
       * what it writes commits or rolls back with the class. An AppError it throws fails the class.
       */
      onClassApplied?: (trx: Db, result: RosterClassResult) => Promise<void>;
    },
  ): Promise<RosterApplyResult>;
  /**
   * The national IDs as typed (decrypted) of the rows that need correcting, by row index: the
   * correction form shows them to the uploader so a mistyped digit can be fixed; everything
   * else shows masks. Rows with another status are left out.
   * @throws roster.preview_not_found
   */
  typedNationalIds(previewId: string, uploaderId: string): Promise<Map<number, string>>;
  discard(previewId: string, uploaderId: string): Promise<void>;
}

export interface RosterDeps {
  db: Db;
  box: SecretBox;
  /** runtime.shortLived */
  store: PayloadStore;
  /** config.studentUsernameRule */
  usernameRule: string;
  now?: () => Date;
}

/** The national ID as the preview keeps it: sealed and hashed only when valid. */
interface StoredNationalId {
  masked: string;
  sealed?: string;
  hash?: string;
  /** an invalid number as typed, encrypted: the correction form shows it to its uploader */
  typed?: string;
}

const TYPED_ID_CONTEXT = 'roster.typed-national-id';

type StoredRow = RosterRow & { nationalId: StoredNationalId };

interface StoredPreview {
  id: string;
  uploaderId: string;
  target: RosterTarget;
  school: { id: string; code: string; name: string };
  filename: string | null;
  format: 'csv' | 'xlsx';
  encoding: string | null;
  createdAt: string;
  expiresAt: string;
  rows: StoredRow[];
}

interface RowInput {
  index: number;
  line: number;
  input: RawRosterFields;
  nationalId: StoredNationalId;
}

function sealInput(box: SecretBox, raw: string | undefined): StoredNationalId {
  const check = checkNationalId(raw);
  if (!check.valid) {
    return {
      masked: check.masked,
      ...(check.value ? { typed: box.encrypt(check.value, TYPED_ID_CONTEXT) } : {}),
    };
  }
  const { sealed, hash, masked } = sealNationalId(box, check.value);
  return { masked, sealed, hash };
}

const isInt = (n: unknown, min: number, max: number): n is number =>
  typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max;

function checkTarget(target: RosterTarget): RosterTarget {
  const { schoolId, schoolYear, semester, grade, classNo } = target;
  assert(typeof schoolId === 'string' && schoolId !== '', () => rosterErrors.invalid_target('no school'));
  assert(isInt(schoolYear, 1, 999), () => rosterErrors.invalid_target('school year: a ROC year such as 115'));
  assert(semester === 1 || semester === 2, () => rosterErrors.invalid_target('semester: 1 or 2'));
  assert(grade === undefined || isInt(grade, 1, 12), () => rosterErrors.invalid_target('grade: 1 to 12'));
  assert(classNo === undefined || isInt(classNo, 1, 99), () => rosterErrors.invalid_target('class: 1 to 99'));
  assert(classNo === undefined || grade !== undefined, () =>
    rosterErrors.invalid_target('a class needs a grade'),
  );
  return {
    schoolId,
    schoolYear,
    semester,
    ...(grade !== undefined ? { grade } : {}),
    ...(classNo !== undefined ? { classNo } : {}),
  };
}

const isMember = (m: RosterAccountMatch, row: RosterRow, schoolId: string) =>
  !m.deleted &&
  m.identityType === 'student' &&
  m.schoolId === schoolId &&
  m.hasStudentTitle &&
  m.grade === row.grade &&
  m.classNo === row.classNo &&
  m.seat === row.seat;

/**
 * Judges every row: the fields, duplicates within the file, the target class, and what the
 * database holds for each national ID. Pure apart from one bulk look-up.
 */
async function evaluateRows(
  db: Db,
  inputs: readonly RowInput[],
  target: RosterTarget,
  rule: UsernameRule,
  today: Date,
): Promise<StoredRow[]> {
  const rows = inputs.map((r) => {
    const n = normalizeRosterFields(r.input, today);
    const problems: RosterProblem[] = [];
    if (isBrokenName(n.familyName)) problems.push('family_name');
    if (isBrokenName(n.givenName)) problems.push('given_name');
    problems.push(...n.problems.filter((p) => !problems.includes(p)));
    let { grade, classNo } = n;
    let wrongClass = false;
    // a row without its own grade or class goes where the admin pointed; one that names
    // another class is flagged rather than silently moved
    if (target.grade !== undefined && !problems.includes('grade')) {
      if (grade === null) grade = target.grade;
      else if (grade !== target.grade) wrongClass = true;
    }
    if (target.classNo !== undefined && !problems.includes('class')) {
      if (classNo === null) classNo = target.classNo;
      else if (classNo !== target.classNo) wrongClass = true;
    }
    if (grade === null && !problems.includes('grade')) problems.push('grade');
    if (classNo === null && !problems.includes('class')) problems.push('class');
    const row: StoredRow = {
      index: r.index,
      line: r.line,
      status: 'new',
      problems,
      nationalIdMasked: r.nationalId.masked,
      familyNameFirst: n.familyNameFirst,
      familyName: n.familyName,
      givenName: n.givenName,
      gender: n.gender,
      birthDate: n.birthDate,
      grade,
      classNo,
      seat: n.seat,
      input: r.input,
      nationalId: r.nationalId,
    };
    return { row, brokenName: n.brokenName, wrongClass };
  });

  const perHash = new Map<string, number>();
  for (const { row } of rows) {
    const h = row.nationalId.hash;
    if (h) perHash.set(h, (perHash.get(h) ?? 0) + 1);
  }
  const isDuplicate = (row: StoredRow) => (perHash.get(row.nationalId.hash ?? '') ?? 0) > 1;

  // two students on one seat of one class: one of the seats is wrong
  const seatKey = (row: StoredRow) => `${row.grade}/${row.classNo}/${row.seat}`;
  const perSeat = new Map<string, number>();
  const seated = rows.filter(
    ({ row, wrongClass }) =>
      row.nationalId.hash && !isDuplicate(row) && !wrongClass && row.seat !== null && row.classNo !== null,
  );
  for (const { row } of seated) perSeat.set(seatKey(row), (perSeat.get(seatKey(row)) ?? 0) + 1);
  for (const { row } of seated) {
    if ((perSeat.get(seatKey(row)) ?? 0) > 1 && !row.problems.includes('seat')) row.problems.push('seat');
  }

  const hashes = rows.flatMap(({ row }) =>
    row.nationalId.hash && !isDuplicate(row) ? [row.nationalId.hash] : [],
  );
  const term = { schoolId: target.schoolId, schoolYear: target.schoolYear, semester: target.semester };
  const matches = new Map(
    (await findAccountsByNationalIdHashes(db, hashes, term, STUDENT_TITLE)).map((m) => [m.nationalIdHash, m]),
  );

  return rows.map(({ row, brokenName, wrongClass }) => {
    const match = row.nationalId.hash && !isDuplicate(row) ? matches.get(row.nationalId.hash) : undefined;
    if (match) {
      row.account = {
        username: match.username,
        nameMatches: match.familyName === row.familyName && match.givenName === row.givenName,
      };
      if (match.identityType && match.identityType !== 'student') row.problems.push('identity_type');
    } else if (rule.usesSeat && row.seat === null && !row.problems.includes('seat')) {
      // the username rule has {seat}: a new student without one cannot get a username
      row.problems.push('seat');
    }
    if (!row.nationalId.hash) {
      row.status = 'invalid_id';
      row.problems.unshift('national_id');
    } else if (isDuplicate(row)) {
      row.status = 'duplicate';
      row.problems.unshift('national_id');
    } else if (brokenName) row.status = 'broken_name';
    else if (row.problems.length) row.status = 'invalid';
    else if (wrongClass) row.status = 'wrong_class';
    else if (match) row.status = isMember(match, row, target.schoolId) ? 'member' : 'exists';
    else row.status = 'new';
    return row;
  });
}

function toPreview(stored: StoredPreview): RosterPreview {
  const counts = Object.fromEntries(ROSTER_ROW_STATUSES.map((s) => [s, 0])) as Record<
    RosterRowStatus,
    number
  >;
  const classes = new Map<string, RosterClassSummary>();
  const rows = stored.rows.map(({ nationalId: _sealed, ...row }) => {
    counts[row.status]++;
    if (row.grade !== null && row.classNo !== null && row.status !== 'wrong_class') {
      const key = `${row.grade}/${row.classNo}`;
      const summary = classes.get(key) ?? {
        grade: row.grade,
        classNo: row.classNo,
        title: classTitle(row.grade, row.classNo),
        rows: 0,
      };
      summary.rows++;
      classes.set(key, summary);
    }
    return row;
  });
  return {
    id: stored.id,
    target: stored.target,
    school: stored.school,
    filename: stored.filename,
    format: stored.format,
    encoding: stored.encoding,
    createdAt: stored.createdAt,
    expiresAt: stored.expiresAt,
    rows,
    counts,
    classes: [...classes.values()].sort((a, b) => a.grade - b.grade || a.classNo - b.classNo),
    blocking: rows.filter((r) => BLOCKING_STATUSES.has(r.status)).length,
  };
}

export function createRosterService(deps: RosterDeps): RosterService {
  const { db, box, store } = deps;
  const now = deps.now ?? (() => new Date());
  const hints: SequenceHints = new Map();

  async function requireSchool(id: string): Promise<RosterSchool> {
    const school = await findRosterSchool(db, id);
    if (!school) throw rosterErrors.unknown_school();
    return school;
  }

  async function save(stored: StoredPreview): Promise<void> {
    const ttl = Math.ceil((Date.parse(stored.expiresAt) - now().getTime()) / 1000);
    if (ttl <= 0) throw rosterErrors.preview_not_found();
    await store.upsert(PREVIEW_MODEL, stored.id, stored as unknown as Payload, ttl);
  }

  async function load(previewId: string, uploaderId: string): Promise<StoredPreview> {
    if (typeof previewId !== 'string' || !PREVIEW_ID.test(previewId)) throw rosterErrors.preview_not_found();
    const stored = (await store.find(PREVIEW_MODEL, previewId)) as unknown as StoredPreview | undefined;
    // another uploader's preview is as unknown as an expired one: it holds other students' data
    if (!stored || stored.uploaderId !== uploaderId || Date.parse(stored.expiresAt) <= now().getTime()) {
      throw rosterErrors.preview_not_found();
    }
    return stored;
  }

  return {
    async preview({ file, filename, contentType, target: rawTarget, uploaderId }) {
      const rule = parseUsernameRule(deps.usernameRule);
      const target = checkTarget(rawTarget);
      const school = await requireSchool(target.schoolId);
      const parsed = await parseRosterFile(file, { filename, contentType });
      const missing: RosterField[] = [];
      if (target.grade === undefined && !parsed.columns.includes('grade')) {
        // a class column that carries the grade ("301") is enough
        if (!parsed.columns.includes('class')) missing.push('grade');
      }
      if (target.classNo === undefined && !parsed.columns.includes('class')) missing.push('class');
      if (missing.length) throw missingColumnError(missing);

      const inputs: RowInput[] = parsed.rows.map((r, index) => {
        const { national_id, ...input } = r.fields;
        return { index, line: r.line, input, nationalId: sealInput(box, national_id) };
      });
      const created = now();
      const stored: StoredPreview = {
        id: randomBytes(16).toString('base64url'),
        uploaderId,
        target,
        school: { id: school.id, code: school.code, name: school.name },
        filename: filename ?? null,
        format: parsed.format,
        encoding: parsed.encoding ?? null,
        createdAt: created.toISOString(),
        expiresAt: new Date(created.getTime() + PREVIEW_TTL_SECONDS * 1000).toISOString(),
        rows: await evaluateRows(db, inputs, target, rule, created),
      };
      await save(stored);
      return toPreview(stored);
    },

    async get(previewId, uploaderId) {
      return toPreview(await load(previewId, uploaderId));
    },

    async correct(previewId, uploaderId, corrections) {
      const stored = await load(previewId, uploaderId);
      const rule = parseUsernameRule(deps.usernameRule);
      const inputs: RowInput[] = stored.rows.map((r) => ({
        index: r.index,
        line: r.line,
        input: { ...r.input },
        nationalId: r.nationalId,
      }));
      for (const c of corrections) {
        const row = Number.isInteger(c?.index) ? inputs[c.index] : undefined;
        assert(row, () => rosterErrors.invalid_correction(`no row ${String(c?.index)} in this preview`));
        for (const [field, value] of Object.entries(c.fields ?? {})) {
          assert((ROSTER_FIELDS as readonly string[]).includes(field), () =>
            rosterErrors.invalid_correction(`unknown field ${field}`),
          );
          assert(typeof value === 'string' && value.length <= MAX_CORRECTION_LENGTH, () =>
            rosterErrors.invalid_correction(
              `${field}: a text of at most ${MAX_CORRECTION_LENGTH} characters`,
            ),
          );
          if (field === 'national_id') row.nationalId = sealInput(box, value);
          else row.input[field as Exclude<RosterField, 'national_id'>] = value;
        }
      }
      stored.rows = await evaluateRows(db, inputs, stored.target, rule, now());
      await save(stored);
      return toPreview(stored);
    },

    async apply(previewId, uploaderId, options = {}) {
      const stored = await load(previewId, uploaderId);
      const blocking = stored.rows.filter((r) => BLOCKING_STATUSES.has(r.status));
      assert(blocking.length === 0 || options.skipInvalid, () =>
        rosterErrors.has_blocking_rows(
          `${blocking.length} rows need correcting first (rows ${blocking
            .slice(0, 10)
            .map((r) => r.line)
            .join(', ')}${blocking.length > 10 ? ', …' : ''}), or leave them out with skipInvalid`,
        ),
      );
      const rule = parseUsernameRule(deps.usernameRule);
      const school = await requireSchool(stored.target.schoolId);
      const groups = new Map<string, StoredRow[]>();
      for (const row of stored.rows) {
        if (BLOCKING_STATUSES.has(row.status)) continue;
        const key = `${row.grade}/${row.classNo}`;
        groups.set(key, [...(groups.get(key) ?? []), row]);
      }
      const ordered = [...groups.values()].sort(
        (a, b) => a[0]!.grade! - b[0]!.grade! || a[0]!.classNo! - b[0]!.classNo!,
      );
      const classes: RosterClassResult[] = [];
      for (const rows of ordered) {
        const grade = rows[0]!.grade!;
        const classNo = rows[0]!.classNo!;
        try {
          classes.push(
            await applyClass(
              db,
              rule,
              hints,
              school,
              stored.target,
              grade,
              classNo,
              rows,
              options.onClassApplied,
            ),
          );
        } catch (err) {
          if (!isAppError(err)) throw err;
          classes.push({
            grade,
            classNo,
            title: classTitle(grade, classNo),
            ok: false,
            error: { code: err.code, message: err.message },
            classId: null,
            created: [],
            updated: [],
            unchanged: [],
          });
        }
      }
      const sum = (f: (c: RosterClassResult) => number) => classes.reduce((n, c) => n + f(c), 0);
      return {
        previewId,
        school: stored.school,
        target: stored.target,
        classes,
        skipped: blocking.map((r) => r.index),
        totals: {
          created: sum((c) => c.created.length),
          updated: sum((c) => c.updated.length),
          unchanged: sum((c) => c.unchanged.length),
          skipped: blocking.length,
          failedClasses: sum((c) => (c.ok ? 0 : 1)),
        },
      };
    },

    async typedNationalIds(previewId, uploaderId) {
      const stored = await load(previewId, uploaderId);
      const out = new Map<number, string>();
      for (const row of stored.rows) {
        if (!BLOCKING_STATUSES.has(row.status)) continue;
        const { sealed, typed } = row.nationalId;
        if (sealed) out.set(row.index, unsealNationalId(box, sealed));
        else if (typed) out.set(row.index, box.decrypt(typed, TYPED_ID_CONTEXT));
      }
      return out;
    },

    async discard(previewId, uploaderId) {
      await load(previewId, uploaderId);
      await store.destroy(PREVIEW_MODEL, previewId);
    },
  };
}

// "{" never occurs in a username, so prefix and suffix cannot run into each other
// "{" never occurs in a username, so prefix and suffix cannot run into each other
const affixKey = (a: { prefix: string; suffix: string }) => `${a.prefix}{seq}${a.suffix}`;

/**
 * The last {seq:N} number this process handed out per prefix: a hint that spares a scan of the
 * accounts for every class. Only a hint: allocateUsernames checks it against the database
 * under the prefix's lock and scans again when another process (or anyone) moved on.
 */
type SequenceHints = Map<string, number>;
const MAX_HINTS = 10_000;

/**
 * One class in one transaction: the class row, then the students' account rows (locked), then,
 * when there are new students, the advisory locks on their username prefixes. Nothing that
 * holds a prefix lock waits for a lock another import takes first, so imports cannot deadlock.
 * @throws roster.national_id_taken | username_taken | not_a_student; the transaction is rolled back
 */
async function applyClass(
  db: Db,
  rule: UsernameRule,
  hints: SequenceHints,
  school: RosterSchool,
  target: RosterTarget,
  grade: number,
  classNo: number,
  rows: readonly StoredRow[],
  onApplied?: (trx: Db, result: RosterClassResult) => Promise<void>,
): Promise<RosterClassResult> {
  const title = classTitle(grade, classNo);
  const term = { schoolId: school.id, schoolYear: target.schoolYear, semester: target.semester };
  const contextOf = (row: StoredRow): UsernameContext => ({
    schoolCode: school.code,
    schoolYear: target.schoolYear,
    grade,
    classNo,
    seat: row.seat,
    birthDate: row.birthDate!,
  });

  return db.transaction(async (trx) => {
    const classId = await upsertSchoolClass(trx, { ...term, grade, classNo }, title);
    const matches = new Map(
      (
        await findAccountsByNationalIdHashes(
          trx,
          rows.map((r) => r.nationalId.hash!),
          term,
          STUDENT_TITLE,
          { forUpdate: true },
        )
      ).map((m) => [m.nationalIdHash, m]),
    );
    const fresh: StoredRow[] = [];
    const moved: Array<{ row: StoredRow; match: RosterAccountMatch }> = [];
    const same: Array<{ row: StoredRow; match: RosterAccountMatch }> = [];
    for (const row of rows) {
      const match = matches.get(row.nationalId.hash!);
      if (!match) fresh.push(row);
      else if (match.identityType && match.identityType !== 'student') {
        throw rosterErrors.not_a_student(
          `row ${row.line}: this national ID belongs to a ${match.identityType} account`,
        );
      } else if (isMember(match, row, school.id)) same.push({ row, match });
      else moved.push({ row, match });
    }

    const usernames = await allocateUsernames(trx, rule, hints, fresh, contextOf);
    let inserted: Array<{ id: string; nationalIdHash: string }>;
    try {
      inserted = await insertStudentAccounts(
        trx,
        fresh.map((row) => ({
          username: usernames.get(row.index)!,
          schoolId: school.id,
          nationalIdSealed: row.nationalId.sealed!,
          nationalIdHash: row.nationalId.hash!,
          nationalIdMasked: row.nationalId.masked,
          name: displayName(row.familyName, row.givenName, row.familyNameFirst!),
          familyName: row.familyName,
          givenName: row.givenName,
          familyNameFirst: row.familyNameFirst!,
          gender: row.gender!,
          birthDate: row.birthDate!,
        })),
      );
    } catch (err) {
      const constraint = uniqueViolationConstraint(err);
      if (constraint === 'accounts__national_id_hash') {
        throw rosterErrors.national_id_taken(
          `${title}: a national ID of this class was registered by another import at the same time; nothing of this class was written, import it again`,
        );
      }
      if (constraint === 'accounts__username') {
        throw rosterErrors.username_taken(
          `${title}: a username of this class was taken at the same time; nothing of this class was written, import it again`,
        );
      }
      throw err;
    }
    const idByHash = new Map(inserted.map((a) => [a.nationalIdHash, a.id]));
    await placeStudentsInClass(trx, {
      classId,
      schoolId: school.id,
      term,
      title: STUDENT_TITLE,
      position: 0,
      movedIds: moved.map((m) => m.match.accountId),
      members: [
        ...fresh.map((row) => ({ accountId: idByHash.get(row.nationalId.hash!)!, seat: row.seat })),
        ...moved.map(({ row, match }) => ({ accountId: match.accountId, seat: row.seat })),
      ],
    });

    const line = (row: StoredRow, username: string): RosterStudentLine => ({
      index: row.index,
      line: row.line,
      username,
      name: displayName(row.familyName, row.givenName, row.familyNameFirst!),
      seat: row.seat,
    });
    const result: RosterClassResult = {
      grade,
      classNo,
      title,
      ok: true,
      classId,
      created: fresh
        .map((row) => ({
          ...line(row, usernames.get(row.index)!),
          familyName: row.familyName,
          givenName: row.givenName,
          nationalIdMasked: row.nationalId.masked,
        }))
        .sort(bySeat),
      updated: moved.map(({ row, match }) => line(row, match.username)).sort(bySeat),
      unchanged: same.map(({ row, match }) => line(row, match.username)).sort(bySeat),
    };
    await onApplied?.(trx, result);
    return result;
  });
}

const bySeat = (a: { seat: number | null; index: number }, b: { seat: number | null; index: number }) =>
  (a.seat ?? 1000) - (b.seat ?? 1000) || a.index - b.index;

/**
 * Usernames for the new students of a class, by row index, in seat order.
 * {seq:N}: under the prefix's advisory lock, the numbers after the largest in use. The hint
 * (this process's last number) is trusted only if the next numbers are all free: another
 * importer always takes the next number first, so a taken one means the hint is stale, and
 * the accounts are scanned for the largest number in use.
 * Without {seq:N}: rendered; {random:N} draws again on a collision, a deterministic rule
 * reports it. A concurrent import taking the same name ends in accounts__username, reported.
 */
async function allocateUsernames(
  trx: Db,
  rule: UsernameRule,
  hints: SequenceHints,
  rows: readonly StoredRow[],
  contextOf: (row: StoredRow) => UsernameContext,
): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (!rows.length) return out;
  const ordered = [...rows].sort(bySeat);
  if (rule.sequential) {
    const groups = new Map<string, { affixes: { prefix: string; suffix: string }; rows: StoredRow[] }>();
    for (const row of ordered) {
      const affixes = usernameAffixes(rule, contextOf(row));
      const key = affixKey(affixes);
      const group = groups.get(key) ?? { affixes, rows: [] };
      group.rows.push(row);
      groups.set(key, group);
    }
    await lockUsernamePrefixes(trx, [...groups.keys()]);
    for (const [key, { affixes, rows: group }] of groups) {
      let last = hints.get(key);
      for (let attempt = 0; ; attempt++) {
        last ??= await maxUsernameSequence(trx, affixes.prefix, affixes.suffix);
        const from = last;
        const candidates = group.map((_, i) => usernameWithSeq(rule, affixes, from + 1 + i));
        const taken = await findTakenUsernames(trx, candidates);
        if (taken.size === 0) {
          for (const [i, row] of group.entries()) out.set(row.index, candidates[i]!);
          if (hints.size >= MAX_HINTS) hints.clear();
          // a rollback leaves a gap in the numbers, never a duplicate
          hints.set(key, from + group.length);
          break;
        }
        if (attempt > 0) {
          throw rosterErrors.username_taken(
            `the username ${[...taken][0]} is taken although it follows the largest number in use`,
          );
        }
        last = undefined;
      }
    }
    return out;
  }
  const random = rule.tokens.some((t) => t.kind === 'random');
  let pending = ordered;
  for (let attempt = 0; pending.length; attempt++) {
    const proposed = new Map(pending.map((row) => [row.index, renderUsername(rule, contextOf(row))]));
    const taken = await findTakenUsernames(trx, [...proposed.values()]);
    const used = new Set(out.values());
    const retry: StoredRow[] = [];
    for (const row of pending) {
      const username = proposed.get(row.index)!;
      if (!taken.has(username) && !used.has(username)) {
        out.set(row.index, username);
        used.add(username);
      } else if (random && attempt < 10) retry.push(row);
      else {
        throw rosterErrors.username_taken(
          `row ${row.line}: the username rule "${rule.source}" gives "${username}", which is taken; nothing of this class was written`,
        );
      }
    }
    pending = retry;
  }
  return out;
}
