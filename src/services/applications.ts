/**
 * 新帳號申請 (new account application) from the public form to the decision.
 *
 *   submit ─ e-mail code + SMS code ─▶ unverified ─ both codes ─▶ pending (待審核列表);
 *                                                 the reviewers are told by e-mail
 *   pending ─ approve ─▶ approved: account, titles, role; activation link by e-mail
 *   pending ─ reject (reason) ─▶ rejected: the reason by e-mail
 *
 * A school admin reviews applications for the school; one that asks for the school-admin
 * role is the county admin's (`reviewer`). Authorization is the admin layer's: these
 * functions return what its policy needs (school, county, reviewer) and check only the
 * application's own state. A national ID that already has an account is accepted at
 * submission (the public side must not learn that an account exists) and refused at approval.
 */
import {
  type ApplicationFilter,
  type ApplicationIdentityType,
  type ApplicationRecord,
  type ApplicationStatus,
  findAccountIdByNationalIdHash,
  findApplicationById,
  findSchoolOption,
  insertApplication,
  insertApprovedAccount,
  isUsernameTaken,
  listApplications,
  listReviewerContacts,
  listSchoolOptions,
  recordApplicationDecision,
  type SchoolOption,
  type StoredApplication,
  updateApplicationVerification,
} from '../adapters/db/applications.js';
import type { Db, DbOrTx } from '../adapters/db.js';
import { AppError, defineErrors, isAppError } from '../errors.js';
import type { AccountTokenService } from './account-tokens.js';
import { type Account, normalizeUsername } from './accounts.js';
import {
  activationMessage,
  deliver,
  emailCodeMessage,
  type Mailer,
  rejectionMessage,
  reviewerNoticeMessage,
  type SmsSender,
  smsCodeText,
} from './messaging.js';
import { nationalIdErrors, sealNationalId } from './national-id.js';
import type { SecretBox } from './secret-box.js';
import {
  type CodeChannel,
  isVerificationError,
  type SendQuota,
  type VerificationCodeService,
} from './verification-codes.js';

export type {
  ApplicationIdentityType,
  ApplicationStatus,
  SchoolLevel,
  SchoolOption,
} from '../adapters/db/applications.js';

export const applicationErrors = defineErrors('application', {
  not_found: { status: 404, message: 'application.not_found' },
  already_decided: { status: 409, message: 'application.already_decided' },
  not_verified: { status: 409, message: 'application.not_verified' },
  username_invalid: { message: 'application.username_invalid' },
  username_taken: { status: 409, message: 'application.username_taken' },
  titles_invalid: { message: 'application.titles_invalid' },
  reason_required: { message: 'application.reason_required' },
  reason_too_long: { message: 'application.reason_too_long' },
});

/** A form error tied to fields (name → message code), so a page marks each field. */
export class InputErrors extends AppError {
  constructor(
    readonly fields: Readonly<Record<string, string>>,
    code = 'input.invalid',
    status = 400,
  ) {
    super(code, code, status);
  }
}

/** What the admin side sees: the national ID masked, never sealed or hashed. */
export interface Application extends StoredApplication {
  /** who decides: the school's admins, or the county's for a school-admin request */
  reviewer: 'school' | 'county';
}

export interface ApplicationInput {
  realName: string;
  /** lower-cased */
  email: string;
  /** 09xxxxxxxx */
  mobile: string;
  schoolId: string;
  identityType: ApplicationIdentityType;
  requestedTitles: string[];
  requestedUsername?: string | undefined;
  requestsSchoolAdmin: boolean;
  nationalId?: string | undefined;
}

/** What the applicant's own pages show: addresses masked, no decision details. */
export interface ApplicantView {
  id: string;
  status: ApplicationStatus;
  schoolName: string;
  maskedEmail: string;
  maskedMobile: string;
  emailVerified: boolean;
  mobileVerified: boolean;
}

/** `limit` is capped at 200. */
export type ApplicationListFilter = ApplicationFilter;

/** What a decision did, for the caller's record of it (the admin layer's audit entry). */
export type DecisionOutcome =
  | { status: 'approved'; account: Account; username: string; titles: string[]; schoolAdmin: boolean }
  | { status: 'rejected'; reason: string };

/**
 * Called inside the decision's transaction, after the decision is written and before the
 * applicant's e-mail goes out, with the application as it was (pending): what it writes
 * commits with the decision, and when it throws nothing is decided and nothing is sent.
 */
export type OnDecided = (tx: DbOrTx, application: Application, outcome: DecisionOutcome) => Promise<void>;

export interface ApplicationService {
  listSchools(): Promise<SchoolOption[]>;
  /**
   * Creates an unverified application and sends both codes; nothing is kept if a code cannot
   * be sent. `source.ip` is rate limited.
   * @throws InputErrors (school_id, username, national_id), rate_limit.exceeded,
   *   messaging.send_failed
   */
  submit(input: ApplicationInput, source: { ip: string }): Promise<{ id: string }>;
  applicantView(id: string): Promise<ApplicantView | undefined>;
  /** @throws application.not_found, verification.resend_too_soon | send_limit, messaging.send_failed */
  resendCode(id: string, channel: CodeChannel): Promise<void>;
  /**
   * Checks the codes still needed; a right one is kept even when the other is wrong. Both
   * verified: the application is pending (submitted) and its reviewers are e-mailed (a notice
   * that cannot be sent is logged, never undoes the verification).
   * @throws application.not_found, InputErrors (email_code, sms_code → verification.*)
   */
  verify(
    id: string,
    codes: { emailCode?: string | undefined; smsCode?: string | undefined },
  ): Promise<ApplicantView>;
  /** Oldest submission first. `schoolIds: []` matches nothing, `'all'` or omitted everything. */
  listApplications(filter: ApplicationListFilter): Promise<{ rows: Application[]; total: number }>;
  getApplication(id: string): Promise<Application | undefined>;
  /**
   * @throws application.not_found | already_decided | not_verified | username_invalid |
   *   username_taken | titles_invalid, national_id.taken, messaging.send_failed
   */
  approveApplication(
    id: string,
    opts: { actorId: string; username?: string | undefined; titles?: string[] | undefined },
    onDecided?: OnDecided,
  ): Promise<{ account: Account; activationSent: true }>;
  /**
   * @throws application.not_found | already_decided | not_verified | reason_required |
   *   reason_too_long, messaging.send_failed
   */
  rejectApplication(
    id: string,
    opts: { actorId: string; reason: string },
    onDecided?: OnDecided,
  ): Promise<Application>;
}

export interface ApplicationServiceDeps {
  db: Db;
  box: SecretBox;
  mailer: Mailer;
  sms: SmsSender;
  codes: VerificationCodeService;
  accountTokens: AccountTokenService;
  /** the public base URL, for the review link in the reviewers' notice */
  issuer: string;
  /** where a reviewer notice that could not be sent is reported */
  log?: { error(obj: object, msg: string): void };
}

/** The title an identity type puts first (RPs read the first title as the role). */
export const IDENTITY_TITLES: Readonly<Record<ApplicationIdentityType, string>> = {
  teacher: '教師',
  staff: '職員',
  other: '其他',
};

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;
const MAX_TITLES = 20;
const MAX_TITLE_LENGTH = 30;
const MAX_REASON_LENGTH = 1000;
// new applications per source address, and codes per destination, in an hour
const APPLICATIONS_PER_IP = 10;
const SENDS_PER_DESTINATION = 5;
const HOUR = 3600;

export const isValidUsername = (username: string) => USERNAME.test(username);

/** t***@kl.edu.tw */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/** 0912***678 */
export const maskMobile = (mobile: string) => `${mobile.slice(0, 4)}***${mobile.slice(-3)}`;

/** The identity title first, then the others in the order given, each once. */
export function orderTitles(identityType: ApplicationIdentityType, titles: readonly string[]): string[] {
  const out = [IDENTITY_TITLES[identityType]];
  for (const raw of titles) {
    const title = raw.trim();
    if (title && !out.includes(title)) out.push(title);
  }
  return out;
}

function toApplication({
  nationalIdSealed: _s,
  nationalIdHash: _h,
  ...rest
}: ApplicationRecord): Application {
  return { ...rest, reviewer: rest.requestsSchoolAdmin ? 'county' : 'school' };
}

function toApplicantView(app: ApplicationRecord): ApplicantView {
  return {
    id: app.id,
    status: app.status,
    schoolName: app.schoolName,
    maskedEmail: maskEmail(app.email),
    maskedMobile: maskMobile(app.mobile),
    emailVerified: Boolean(app.emailVerifiedAt),
    mobileVerified: Boolean(app.mobileVerifiedAt),
  };
}

/** The username an approval gives: the admin's choice, the applicant's wish, else the e-mail's local part. */
export function chooseUsername(
  app: Pick<StoredApplication, 'requestedUsername' | 'email'>,
  override: string | undefined,
): string {
  if (override !== undefined) return normalizeUsername(override);
  if (app.requestedUsername) return app.requestedUsername;
  // "wang.xm+sso@kl.edu.tw" → "wang.xm": a derived name drops what a username cannot hold
  return normalizeUsername(app.email)
    .replace(/\+.*$/, '')
    .replace(/[^a-z0-9._-]/g, '')
    .replace(/^[._-]+/, '');
}

function checkTitles(titles: readonly string[] | undefined): void {
  if (titles === undefined) return;
  const ok =
    titles.length <= MAX_TITLES &&
    titles.every((t) => typeof t === 'string' && t.trim() !== '' && [...t].length <= MAX_TITLE_LENGTH);
  if (!ok) throw applicationErrors.titles_invalid();
}

/** Pending is the only state a decision starts from. */
function assertDecidable(app: ApplicationRecord | undefined): asserts app is ApplicationRecord {
  if (!app) throw applicationErrors.not_found();
  if (app.status === 'approved' || app.status === 'rejected') throw applicationErrors.already_decided();
  if (app.status !== 'pending') throw applicationErrors.not_verified();
}

export function createApplicationService(deps: ApplicationServiceDeps): ApplicationService {
  const { db, box, codes } = deps;

  async function sendCode(id: string, channel: CodeChannel, to: string, quota?: SendQuota): Promise<void> {
    const code = await codes.issue(id, channel, quota);
    await deliver(() =>
      channel === 'email'
        ? deps.mailer.send(emailCodeMessage(to, code, codes.ttl))
        : deps.sms.send({ to, text: smsCodeText(code, codes.ttl) }),
    );
  }

  /**
   * Tells the reviewers that an application waits: the school's admins, or the county's for
   * a school-admin request (and when the school has no admin to tell). Best effort: the
   * applicant's verification stands whatever happens here, so a failure is only logged.
   */
  async function notifyReviewers(app: ApplicationRecord): Promise<void> {
    try {
      let to =
        app.requestsSchoolAdmin || !app.schoolId
          ? []
          : await listReviewerContacts(db, 'school_admin', app.schoolId);
      if (to.length === 0 && app.countyId) to = await listReviewerContacts(db, 'county_admin', app.countyId);
      const url = `${deps.issuer}/admin/applications/${app.id}`;
      for (const { email } of to) {
        try {
          await deps.mailer.send(
            reviewerNoticeMessage({
              to: email,
              applicantName: app.realName,
              schoolName: app.schoolName,
              titles: app.requestedTitles,
              schoolAdmin: app.requestsSchoolAdmin,
              url,
            }),
          );
        } catch (err) {
          deps.log?.error({ err, applicationId: app.id }, 'reviewer notice not sent');
        }
      }
    } catch (err) {
      deps.log?.error({ err, applicationId: app.id }, 'reviewers not notified');
    }
  }

  return {
    listSchools: () => listSchoolOptions(db),

    async submit(input, source) {
      const school = await findSchoolOption(db, input.schoolId);
      if (!school) throw new InputErrors({ school_id: 'apply.invalid.school' });
      let requestedUsername: string | null = null;
      if (input.requestedUsername) {
        requestedUsername = normalizeUsername(input.requestedUsername);
        if (!isValidUsername(requestedUsername)) {
          throw new InputErrors({ username: 'application.username_invalid' });
        }
      }
      let sealed: ReturnType<typeof sealNationalId> | undefined;
      try {
        sealed = input.nationalId ? sealNationalId(box, input.nationalId) : undefined;
      } catch (err) {
        if (isAppError(err)) throw new InputErrors({ national_id: err.code });
        throw err;
      }
      // the form sends an e-mail and an SMS: keep it from becoming a free message cannon
      await codes.limit(`apply:ip:${source.ip}`, APPLICATIONS_PER_IP, HOUR);
      await codes.limit(`apply:to:${input.email}`, SENDS_PER_DESTINATION, HOUR);
      await codes.limit(`apply:to:${input.mobile}`, SENDS_PER_DESTINATION, HOUR);
      return db.transaction(async (tx) => {
        const id = await insertApplication(tx, {
          realName: input.realName,
          email: input.email,
          mobile: input.mobile,
          schoolId: school.id,
          identityType: input.identityType,
          requestedTitles: orderTitles(input.identityType, input.requestedTitles),
          requestedUsername,
          requestsSchoolAdmin: input.requestsSchoolAdmin,
          nationalIdSealed: sealed?.sealed ?? null,
          nationalIdHash: sealed?.hash ?? null,
          nationalIdMasked: sealed?.masked ?? null,
        });
        // sent before the commit: an application whose codes never left is not kept
        await sendCode(id, 'email', input.email);
        await sendCode(id, 'sms', input.mobile);
        return { id };
      });
    },

    async applicantView(id) {
      const app = await findApplicationById(db, id);
      return app && toApplicantView(app);
    },

    async resendCode(id, channel) {
      await db.transaction(async (tx) => {
        // the row lock serialises code operations on one application (see verification-codes.ts)
        const app = await findApplicationById(tx, id, { lock: true });
        if (!app) throw applicationErrors.not_found();
        const done =
          app.status !== 'unverified' || (channel === 'email' ? app.emailVerifiedAt : app.mobileVerifiedAt);
        if (done) return;
        const to = channel === 'email' ? app.email : app.mobile;
        await sendCode(id, channel, to, {
          key: `apply:to:${to}`,
          max: SENDS_PER_DESTINATION,
          windowSeconds: HOUR,
        });
      });
    },

    async verify(id, input) {
      const outcome = await db.transaction(async (tx) => {
        const app = await findApplicationById(tx, id, { lock: true });
        if (!app) throw applicationErrors.not_found();
        const failures: Array<[string, AppError]> = [];
        if (app.status !== 'unverified') return { app, failures, submitted: false };
        const check = async (channel: CodeChannel, field: string, code: string | undefined) => {
          try {
            await codes.verify(id, channel, code ?? '');
            return true;
          } catch (err) {
            if (!isVerificationError(err)) throw err;
            failures.push([field, err]);
            return false;
          }
        };
        const email = !app.emailVerifiedAt && (await check('email', 'email_code', input.emailCode));
        const mobile = !app.mobileVerifiedAt && (await check('sms', 'sms_code', input.smsCode));
        const submit = (email || Boolean(app.emailVerifiedAt)) && (mobile || Boolean(app.mobileVerifiedAt));
        if (email || mobile) {
          await updateApplicationVerification(tx, id, {
            emailVerified: email,
            mobileVerified: mobile,
            submit,
          });
        }
        // committed with what succeeded: a right e-mail code is not asked for again
        return {
          app: (await findApplicationById(tx, id))!,
          failures,
          submitted: submit && (email || mobile),
        };
      });
      // after the commit: the application is in the 待審核列表 whether or not the notice goes out
      if (outcome.submitted) await notifyReviewers(outcome.app);
      const [first] = outcome.failures;
      if (first) {
        throw new InputErrors(
          Object.fromEntries(outcome.failures.map(([field, err]) => [field, err.code])),
          first[1].code,
          first[1].status,
        );
      }
      return toApplicantView(outcome.app);
    },

    async listApplications(filter) {
      const limit = Math.min(Math.max(Math.trunc(filter.limit) || 0, 1), 200);
      const offset = Math.max(Math.trunc(filter.offset) || 0, 0);
      const { rows, total } = await listApplications(db, { ...filter, limit, offset });
      return { rows: rows.map(toApplication), total };
    },

    async getApplication(id) {
      const app = await findApplicationById(db, id);
      return app && toApplication(app);
    },

    async approveApplication(id, opts, onDecided) {
      checkTitles(opts.titles);
      const account = await db.transaction(async (tx) => {
        const app = await findApplicationById(tx, id, { lock: true });
        assertDecidable(app);
        const username = chooseUsername(app, opts.username);
        if (!isValidUsername(username)) throw applicationErrors.username_invalid();
        if (await isUsernameTaken(tx, username)) throw applicationErrors.username_taken();
        // one person, one account
        if (app.nationalIdHash && (await findAccountIdByNationalIdHash(tx, app.nationalIdHash))) {
          throw nationalIdErrors.taken();
        }
        const titles = orderTitles(app.identityType, opts.titles ?? app.requestedTitles);
        const inserted = await insertApprovedAccount(tx, {
          username,
          name: app.realName,
          email: app.email,
          mobile: app.mobile,
          identityType: app.identityType,
          schoolId: app.schoolId,
          nationalIdSealed: app.nationalIdSealed,
          nationalIdHash: app.nationalIdHash,
          nationalIdMasked: app.nationalIdMasked,
          titles,
          schoolAdmin: app.requestsSchoolAdmin,
          grantedBy: opts.actorId,
        });
        if ('conflict' in inserted) {
          throw inserted.conflict === 'username'
            ? applicationErrors.username_taken()
            : nationalIdErrors.taken();
        }
        await recordApplicationDecision(tx, id, {
          status: 'approved',
          decidedBy: opts.actorId,
          reason: null,
          accountId: inserted.id,
        });
        const link = await deps.accountTokens.issue(inserted.id, 'activate', {
          createdBy: opts.actorId,
          db: tx,
        });
        await onDecided?.(tx, toApplication(app), {
          status: 'approved',
          account: inserted,
          username,
          titles,
          schoolAdmin: app.requestsSchoolAdmin,
        });
        const message = activationMessage({ to: app.email, name: app.realName, username, ...link });
        // sent before the commit: when the mail cannot go out, nothing is decided and the
        // admin simply approves again later
        await deliver(() => deps.mailer.send(message));
        return inserted;
      });
      return { account, activationSent: true };
    },

    async rejectApplication(id, opts, onDecided) {
      const reason = typeof opts.reason === 'string' ? opts.reason.trim() : '';
      if (!reason) throw applicationErrors.reason_required();
      if ([...reason].length > MAX_REASON_LENGTH) throw applicationErrors.reason_too_long();
      return db.transaction(async (tx) => {
        const app = await findApplicationById(tx, id, { lock: true });
        assertDecidable(app);
        await recordApplicationDecision(tx, id, {
          status: 'rejected',
          decidedBy: opts.actorId,
          reason,
          accountId: null,
        });
        await onDecided?.(tx, toApplication(app), { status: 'rejected', reason });
        await deliver(() =>
          deps.mailer.send(rejectionMessage({ to: app.email, name: app.realName, reason })),
        );
        return toApplication((await findApplicationById(tx, id))!);
      });
    },
  };
}
