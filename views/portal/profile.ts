/**
 * 資料 (/account/profile): the account's details, change password, e-mail verification,
 * bound certificates and passkeys, where the account is signed in (with 登出其他工作階段) and
 * the applications it authorized (with revoke). Every action is a plain POST form with CSRF;
 * a failed one comes back with its message and what was typed (never the passwords).
 */
import { csrfField } from '../fragments.js';
import { html, type SafeHtml } from '../html.js';
import type { Locale } from '../i18n.js';
import { definitionList, timeCell } from './components.js';
import { type PortalLayoutProps, portalLayout } from './layout.js';
import { pt } from './messages.js';

export const PROFILE_PATH = '/account/profile';

export type ProfileForm = 'password' | 'email' | 'verify' | 'sessions' | 'consents';

export interface PortalProfileProps extends Omit<PortalLayoutProps, 'section' | 'title' | 'body'> {
  profile: {
    name: string | null;
    username: string;
    schoolName: string | null;
    identityType: 'student' | 'teacher' | 'staff' | 'other' | null;
    titles: Array<{ schoolName: string; title: string }>;
    nationalIdMasked: string | null;
    email: string | null;
    emailVerified: boolean;
  };
  certificateCount: number;
  passkeyCount: number;
  sessions: Array<{
    sessionId: string;
    createdAt: Date;
    lastActivityAt: Date | null;
    ip: string | null;
    os: string | null;
    browser: string | null;
    device: string | null;
    current: boolean;
  }>;
  consents: Array<{ clientId: string; clientName: string; scopes: string[]; grantedAt: Date }>;
  /** the form an error belongs to */
  failed?: ProfileForm | undefined;
  /** the address a code was sent to: the verify form is shown for it */
  pendingEmail?: string | undefined;
  /** the e-mail typed into the send form */
  typedEmail?: string | undefined;
}

const invalid = (on: boolean) => (on ? html` aria-invalid="true" aria-describedby="form-error"` : null);

function passwordForm(p: PortalProfileProps): SafeHtml {
  const { locale } = p;
  const bad = p.failed === 'password';
  const current = p.error === 'password.current_invalid' || p.error === 'portal.password_required';
  const field = (id: string, name: string, label: string, auto: string, mark: boolean) =>
    html`<div class="field"><label class="field__label" for="${id}">${label}</label><input class="input" id="${id}" name="${name}" type="password" autocomplete="${auto}" maxlength="1024" required${invalid(mark)}></div>`;
  return html`<form class="form portal-form" method="post" action="${PROFILE_PATH}/password">
${csrfField(p.csrf)}
${field('current-password', 'current', pt(locale, 'portal.current_password'), 'current-password', bad && current)}
${field('new-password', 'password', pt(locale, 'portal.new_password'), 'new-password', bad && !current)}
${field('confirm-password', 'confirm', pt(locale, 'portal.confirm_password'), 'new-password', bad && p.error === 'password.mismatch')}
<div class="actions"><button class="button button--primary" type="submit">${pt(locale, 'portal.password_submit')}</button></div>
</form>`;
}

function emailForms(p: PortalProfileProps): SafeHtml {
  const { locale, profile } = p;
  const sendBad = p.failed === 'email';
  const verifyBad = p.failed === 'verify';
  const verify = p.pendingEmail
    ? html`<form class="form portal-form" method="post" action="${PROFILE_PATH}/email/verify">
${csrfField(p.csrf)}
<input type="hidden" name="email" value="${p.pendingEmail}">
<div class="field"><label class="field__label" for="email-code">${pt(locale, 'portal.email_code')}</label><input class="input" id="email-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required${invalid(verifyBad)}></div>
<div class="actions"><button class="button button--primary" type="submit">${pt(locale, 'portal.email_verify')}</button></div>
</form>`
    : null;
  return html`<p class="help">${pt(locale, 'portal.email_intro')}</p>
<form class="form portal-form" method="post" action="${PROFILE_PATH}/email">
${csrfField(p.csrf)}
<div class="field"><label class="field__label" for="email">${pt(locale, 'portal.email')}</label><input class="input" id="email" name="email" type="email" autocomplete="email" maxlength="254" required value="${p.typedEmail ?? p.pendingEmail ?? profile.email ?? ''}"${invalid(sendBad)}></div>
<div class="actions"><button class="button button--secondary" type="submit">${pt(locale, 'portal.email_send')}</button></div>
</form>
${verify}`;
}

function sessionsTable(p: PortalProfileProps): SafeHtml {
  const { locale } = p;
  const u = (v: string | null) => v ?? pt(locale, 'portal.unknown');
  const others = p.sessions.filter((s) => !s.current).length;
  return html`<div class="table-wrap"><table class="data-table"><caption>${pt(locale, 'portal.sessions_caption')}</caption>
<thead><tr><th scope="col">${pt(locale, 'portal.col.device')}</th><th scope="col">${pt(locale, 'portal.col.os')}</th><th scope="col">${pt(locale, 'portal.col.browser')}</th><th scope="col">${pt(locale, 'portal.col.ip')}</th><th scope="col">${pt(locale, 'portal.col.signed_in_at')}</th><th scope="col">${pt(locale, 'portal.col.last_seen')}</th></tr></thead>
<tbody>${p.sessions.map(
    (s) =>
      html`<tr${s.current && html` class="portal-session--current"`}><td>${u(s.device)}${s.current && html` <strong>${pt(locale, 'portal.this_session')}</strong>`}</td><td>${u(s.os)}</td><td>${u(s.browser)}</td><td>${u(s.ip)}</td><td>${timeCell(s.createdAt)}</td><td>${timeCell(s.lastActivityAt ?? s.createdAt)}</td></tr>`,
  )}</tbody></table></div>
${
  others > 0
    ? html`<form method="post" action="${PROFILE_PATH}/sessions/sign-out-others">${csrfField(p.csrf)}<div class="actions"><button class="button button--danger" type="submit">${pt(locale, 'portal.sign_out_others')}</button></div></form>`
    : html`<p class="help">${pt(locale, 'portal.no_sessions')}</p>`
}`;
}

function consentsTable(p: PortalProfileProps): SafeHtml {
  const { locale } = p;
  if (p.consents.length === 0) return html`<p class="help">${pt(locale, 'portal.no_consents')}</p>`;
  return html`<div class="table-wrap"><table class="data-table"><caption>${pt(locale, 'portal.consents_caption')}</caption>
<thead><tr><th scope="col">${pt(locale, 'portal.col.client')}</th><th scope="col">${pt(locale, 'portal.col.scopes')}</th><th scope="col">${pt(locale, 'portal.col.granted_at')}</th><th scope="col">${pt(locale, 'portal.col.actions')}</th></tr></thead>
<tbody>${p.consents.map(
    (c) =>
      html`<tr><td>${c.clientName}</td><td>${c.scopes.join(' ')}</td><td>${timeCell(c.grantedAt)}</td><td><form method="post" action="${PROFILE_PATH}/consents/revoke">${csrfField(p.csrf)}<input type="hidden" name="client_id" value="${c.clientId}"><button class="button button--danger" type="submit" aria-label="${pt(locale, 'portal.revoke')}: ${c.clientName}">${pt(locale, 'portal.revoke')}</button></form></td></tr>`,
  )}</tbody></table></div>`;
}

function identityLabel(locale: Locale, type: PortalProfileProps['profile']['identityType']): string {
  return type ? pt(locale, `portal.identity.${type}`) : pt(locale, 'portal.none');
}

export function portalProfilePage(p: PortalProfileProps): string {
  const { locale, profile } = p;
  const none = pt(locale, 'portal.none');
  const email = profile.email
    ? html`${profile.email} <span class="badge ${profile.emailVerified ? 'badge--ok' : 'badge--warn'}">${pt(locale, profile.emailVerified ? 'portal.email_verified' : 'portal.email_unverified')}</span>`
    : none;
  const section = (id: string, title: string, content: SafeHtml) =>
    html`<section class="portal__section" aria-labelledby="${id}"><h2 id="${id}">${title}</h2>${content}</section>`;
  const body = html`${section(
    'basic',
    pt(locale, 'portal.profile_basic'),
    definitionList([
      [pt(locale, 'portal.name'), profile.name ?? none],
      [pt(locale, 'portal.username'), profile.username],
      [pt(locale, 'portal.school'), profile.schoolName ?? none],
      [pt(locale, 'portal.identity'), identityLabel(locale, profile.identityType)],
      [
        pt(locale, 'portal.titles'),
        profile.titles.length ? profile.titles.map((t) => `${t.schoolName} ${t.title}`).join('、') : none,
      ],
      [pt(locale, 'portal.national_id'), profile.nationalIdMasked ?? none],
      [pt(locale, 'portal.email'), email],
    ]),
  )}
${section('password', pt(locale, 'portal.password_heading'), passwordForm(p))}
${section('email-verification', pt(locale, 'portal.email_heading'), emailForms(p))}
${section(
  'credentials',
  pt(locale, 'portal.credentials_heading'),
  definitionList([
    [
      pt(locale, 'portal.certificates'),
      html`${pt(locale, 'portal.count', { count: p.certificateCount })} · <a class="link" href="/account/certificate">${pt(locale, 'portal.manage')}</a>`,
    ],
    [
      pt(locale, 'portal.passkeys'),
      html`${pt(locale, 'portal.count', { count: p.passkeyCount })} · <a class="link" href="/account/passkeys">${pt(locale, 'portal.manage')}</a>`,
    ],
  ]),
)}
${section('sessions', pt(locale, 'portal.sessions_heading'), sessionsTable(p))}
${section('consents', pt(locale, 'portal.consents_heading'), consentsTable(p))}`;
  return portalLayout({ ...p, section: 'profile', title: pt(locale, 'portal.profile_title'), body });
}
