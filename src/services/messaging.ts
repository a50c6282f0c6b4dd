/**
 * Outgoing e-mail and SMS: the two small interfaces the adapters implement (SMTP or an
 * outbox folder; an HTTP SMS gateway or the outbox), and the texts of every message we send.
 * Texts are plain text, zh-TW first with the English below, because the recipient's language
 * is not known when an admin triggers the message.
 */
import { defineErrors } from '../errors.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  /** @throws when the message was not accepted for delivery */
  send(message: MailMessage): Promise<void>;
}

export interface SmsMessage {
  /** Taiwan mobile number as 09xxxxxxxx */
  to: string;
  text: string;
}

export interface SmsSender {
  /** @throws when the gateway did not accept the message */
  send(message: SmsMessage): Promise<void>;
}

export const messagingErrors = defineErrors('messaging', {
  send_failed: { status: 502, message: 'messaging.send_failed' },
});

/** Sends and turns a transport failure into messaging.send_failed (shown to the user), keeping the cause. */
export async function deliver(send: () => Promise<void>): Promise<void> {
  try {
    await send();
  } catch (cause) {
    const err = messagingErrors.send_failed();
    err.cause = cause;
    throw err;
  }
}

const SITE = { zh: '教育網路單一帳號', en: 'Education Single Sign-On' };
const SIGNATURE = `${SITE.zh} ${SITE.en}\n此信由系統自動寄出，請勿直接回覆。This message was sent automatically; please do not reply.`;
const SEPARATOR = '\n\n----------------------------------------\n\n';

const minutes = (seconds: number) => Math.max(1, Math.round(seconds / 60));

/** 2026/11/23 14:05 in Taiwan time, whatever the server's zone. */
function taipeiTime(at: Date, locale: 'zh-TW' | 'en-GB'): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone: 'Asia/Taipei',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(at);
}

function bilingual(zh: string, en: string): string {
  return `${zh}${SEPARATOR}${en}\n\n${SIGNATURE}\n`;
}

export function emailCodeMessage(to: string, code: string, ttlSeconds: number): MailMessage {
  const m = minutes(ttlSeconds);
  return {
    to,
    subject: `${SITE.zh}：電子郵件驗證碼 / E-mail verification code`,
    text: bilingual(
      `您好：\n\n您正在申請${SITE.zh}，您的信箱驗證碼為：\n\n    ${code}\n\n請於 ${m} 分鐘內在申請頁面輸入。若您沒有提出申請，請忽略此信。`,
      `Hello,\n\nYou are applying for an ${SITE.en} account. Your e-mail verification code is:\n\n    ${code}\n\nEnter it on the application page within ${m} minutes. If you did not apply, ignore this message.`,
    ),
  };
}

/** Short enough for one Unicode SMS segment pair; the code comes first so phones can offer it. */
export function smsCodeText(code: string, ttlSeconds: number): string {
  const m = minutes(ttlSeconds);
  return `${code} 是您的${SITE.zh}手機驗證碼，${m} 分鐘內有效。Your verification code is ${code} (valid ${m} min).`;
}

export interface LinkMessageInput {
  to: string;
  name: string | null;
  username: string;
  url: string;
  expiresAt: Date;
}

export function activationMessage(p: LinkMessageInput): MailMessage {
  return {
    to: p.to,
    subject: `${SITE.zh}：帳號申請已核准 / Your account application was approved`,
    text: bilingual(
      `${p.name ?? ''} 您好：\n\n您的帳號申請已核准。\n帳號：${p.username}\n\n請開啟下列連結設定密碼以啟用帳號（僅能使用一次，${taipeiTime(p.expiresAt, 'zh-TW')} 前有效）：\n\n${p.url}\n\n若連結已失效，請洽所屬學校資訊組重新寄送。`,
      `Hello ${p.name ?? ''},\n\nYour account application was approved.\nUsername: ${p.username}\n\nOpen this link to set your password and activate the account (it works once, until ${taipeiTime(p.expiresAt, 'en-GB')} Taiwan time):\n\n${p.url}\n\nIf the link has expired, ask your school's IT office to send a new one.`,
    ),
  };
}

export function rejectionMessage(p: { to: string; name: string; reason: string }): MailMessage {
  return {
    to: p.to,
    subject: `${SITE.zh}：帳號申請未核准 / Your account application was not approved`,
    text: bilingual(
      `${p.name} 您好：\n\n很抱歉，您的帳號申請未獲核准。\n\n原因：${p.reason}\n\n如有疑問，請洽所屬學校資訊組。`,
      `Hello ${p.name},\n\nWe are sorry: your account application was not approved.\n\nReason: ${p.reason}\n\nIf you have questions, please contact your school's IT office.`,
    ),
  };
}

export function resetLinkMessage(p: LinkMessageInput & { selfService?: boolean }): MailMessage {
  if (p.selfService) return selfServiceResetMessage(p);
  return {
    to: p.to,
    subject: `${SITE.zh}：重設密碼 / Reset your password`,
    text: bilingual(
      `${p.name ?? ''} 您好：\n\n學校管理者為您的帳號（${p.username}）建立了重設密碼連結。請開啟下列連結設定新密碼（僅能使用一次，${taipeiTime(p.expiresAt, 'zh-TW')} 前有效）：\n\n${p.url}\n\n若您沒有要求重設密碼，請忽略此信並告知學校資訊組。`,
      `Hello ${p.name ?? ''},\n\nYour school administrator created a password reset link for your account (${p.username}). Open it to set a new password (it works once, until ${taipeiTime(p.expiresAt, 'en-GB')} Taiwan time):\n\n${p.url}\n\nIf you did not ask for a reset, ignore this message and tell your school's IT office.`,
    ),
  };
}

/** 忘記密碼: the link the account's owner asked for on /account/forgot. */
function selfServiceResetMessage(p: LinkMessageInput): MailMessage {
  return {
    to: p.to,
    subject: `${SITE.zh}：重設密碼 / Reset your password`,
    text: bilingual(
      `${p.name ?? ''} 您好：\n\n有人在「忘記密碼」頁面為您的帳號（${p.username}）要求重設密碼。請開啟下列連結設定新密碼（僅能使用一次，${taipeiTime(p.expiresAt, 'zh-TW')} 前有效）：\n\n${p.url}\n\n若不是您本人要求，請忽略此信，您的密碼不會改變。`,
      `Hello ${p.name ?? ''},\n\nSomeone asked to reset the password of your account (${p.username}) on the "Forgot password" page. Open this link to set a new password (it works once, until ${taipeiTime(p.expiresAt, 'en-GB')} Taiwan time):\n\n${p.url}\n\nIf it was not you, ignore this message: your password stays as it is.`,
    ),
  };
}

/** To a school's (or the county's) admins: an application waits in the 待審核列表. */
export function reviewerNoticeMessage(p: {
  to: string;
  applicantName: string;
  schoolName: string;
  titles: readonly string[];
  schoolAdmin: boolean;
  url: string;
}): MailMessage {
  const titles = p.titles.join('、');
  return {
    to: p.to,
    subject: `${SITE.zh}：新帳號申請待審核 / A new account application awaits review`,
    text: bilingual(
      `管理者您好：\n\n有一份新帳號申請已完成信箱與手機驗證，等待您審核。\n\n申請人：${p.applicantName}\n學校：${p.schoolName}\n職稱：${titles}${p.schoolAdmin ? '\n另申請：學校管理者權限' : ''}\n\n請登入管理後台審查（待審核列表）：\n\n${p.url}`,
      `Hello,\n\nA new account application has verified its e-mail and mobile and awaits your review.\n\nApplicant: ${p.applicantName}\nSchool: ${p.schoolName}\nTitles: ${titles}${p.schoolAdmin ? '\nAlso asks for: the school administrator role' : ''}\n\nSign in to the admin console to review it (pending list):\n\n${p.url}`,
    ),
  };
}
