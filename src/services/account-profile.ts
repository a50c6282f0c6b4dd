/**
 * 資料: what the portal shows of the signed-in account (name, school, identity, titles, the
 * masked national ID, e-mail) and what the user may change there: the password (the current
 * one first) and a verified e-mail address (a one-time code sent to it).
 */
import { findAccountById, updateAccount } from '../adapters/db/accounts.js';
import { findCurrentTitles } from '../adapters/db/eduinfo.js';
import { findOrganizationsByIds } from '../adapters/db/organizations.js';
import type { Db } from '../adapters/db.js';
import { AppError, defineErrors } from '../errors.js';
import { type Account, type AccountService, accountErrors } from './accounts.js';
import { deliver, type Mailer, type MailMessage } from './messaging.js';
import type { VerificationCodeService } from './verification-codes.js';

export const profileErrors = defineErrors('portal', {
  email_invalid: { message: 'portal.email_invalid' },
  password_required: { message: 'portal.password_required' },
});

const EMAIL =
  /^[^\s@"<>()[\]\\,;:]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;

/** The address as stored (trimmed, domain lower-cased), or undefined when it is not one. */
export function normalizeEmail(input: string): string | undefined {
  const value = input.normalize('NFKC').trim();
  if (value.length > 254 || !EMAIL.test(value)) return undefined;
  const at = value.lastIndexOf('@');
  return `${value.slice(0, at)}@${value.slice(at + 1).toLowerCase()}`;
}

export interface Profile {
  account: Account;
  school: { id: string; name: string } | null;
  titles: Array<{ schoolName: string; title: string }>;
}

export interface AccountProfileService {
  profile(accountId: string): Promise<Profile | undefined>;
  /**
   * @throws portal.password_required, password.current_invalid, password.mismatch, the password
   *   policy's codes, password.same_as_old, rate_limit.exceeded
   */
  changePassword(
    account: Account,
    input: { current: string; password: string; confirm: string },
  ): Promise<void>;
  /** Sends a code to the address. @returns the normalized address. @throws portal.email_invalid, verification.*, messaging.send_failed */
  sendEmailCode(account: Account, email: string): Promise<string>;
  /** Marks the address verified once its code matches. @throws portal.email_invalid, verification.* */
  verifyEmail(account: Account, email: string, code: string): Promise<void>;
}

export function createAccountProfileService(deps: {
  db: Db;
  accounts: AccountService;
  codes: VerificationCodeService;
  mailer: Mailer;
}): AccountProfileService {
  const { db, codes } = deps;
  const subject = (accountId: string, email: string) => `portal:${accountId}:${email.toLowerCase()}`;
  return {
    async profile(accountId) {
      const account = await findAccountById(db, accountId);
      if (!account) return undefined;
      const titles = await findCurrentTitles(db, accountId);
      const ids = [
        ...new Set([account.schoolId, ...titles.map((t) => t.schoolId)].filter((id) => id !== null)),
      ];
      const names = new Map((await findOrganizationsByIds(db, ids)).map((o) => [o.id, o.name]));
      return {
        account,
        school: account.schoolId ? { id: account.schoolId, name: names.get(account.schoolId) ?? '' } : null,
        titles: titles.map((t) => ({ schoolName: names.get(t.schoolId) ?? t.schoolCode, title: t.title })),
      };
    },

    async changePassword(account, input) {
      if (!input.current || !input.password) throw profileErrors.password_required();
      // ten tries of the current password per quarter hour: the form must not become an oracle
      await codes.limit(`portal-password:${account.id}`, 10, 15 * 60);
      try {
        await deps.accounts.authenticatePassword(account.username, input.current);
      } catch {
        throw accountErrors.current_invalid();
      }
      if (input.password !== input.confirm) throw new AppError('password.mismatch', 'password.mismatch');
      await deps.accounts.setPassword(account.id, input.password);
    },

    async sendEmailCode(account, input) {
      const email = normalizeEmail(input);
      if (!email) throw profileErrors.email_invalid();
      const code = await codes.issue(subject(account.id, email), 'email', {
        key: `portal-email:${account.id}`,
        max: 10,
        windowSeconds: 3600,
      });
      await deliver(() =>
        deps.mailer.send(emailVerificationMessage(email, account.username, code, codes.ttl)),
      );
      return email;
    },

    async verifyEmail(account, input, code) {
      const email = normalizeEmail(input);
      if (!email) throw profileErrors.email_invalid();
      await codes.verify(subject(account.id, email), 'email', code);
      await updateAccount(db, account.id, { email, emailVerified: true });
    },
  };
}

function emailVerificationMessage(
  to: string,
  username: string,
  code: string,
  ttlSeconds: number,
): MailMessage {
  const minutes = Math.max(1, Math.round(ttlSeconds / 60));
  return {
    to,
    subject: '教育網路單一帳號：電子郵件驗證碼 / E-mail verification code',
    text: [
      `您好：\n\n您正在為帳號 ${username} 驗證這個電子郵件信箱，驗證碼為：\n\n    ${code}\n\n請於 ${minutes} 分鐘內在「資料」頁面輸入。若不是您本人操作，請忽略此信。`,
      `Hello,\n\nYou are verifying this e-mail address for the account ${username}. Your code is:\n\n    ${code}\n\nEnter it on the Profile page within ${minutes} minutes. If this was not you, ignore this message.`,
      '教育網路單一帳號 Education Single Sign-On\n此信由系統自動寄出，請勿直接回覆。This message was sent automatically; please do not reply.',
    ].join('\n\n----------------------------------------\n\n'),
  };
}
