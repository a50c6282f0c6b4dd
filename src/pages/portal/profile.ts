/**
 * 資料 (/account/profile) and its forms: change password, send and enter an e-mail code, sign
 * out other sessions, revoke a consent. Each form posts to its own path; on an error the
 * pages router's boundary calls render() again, which brings back the message and what was
 * typed in the form that failed (ctx.path says which).
 */
import type { Context } from 'koa';
import { PROFILE_PATH, type ProfileForm, portalProfilePage } from '../../../views/portal/profile.js';
import { sendPage } from '../../interactions/page.js';
import type { FormPage, FormState, PagesDeps } from '../deps.js';
import { portalVisit } from './signed-in.js';

const NOTICES = {
  password: 'portal.password_changed',
  email: 'portal.email_verified_done',
  sessions: 'portal.signed_out_others',
  revoked: 'portal.revoked',
} as const;

const FORMS: Record<string, ProfileForm> = {
  [`${PROFILE_PATH}/password`]: 'password',
  [`${PROFILE_PATH}/email`]: 'email',
  [`${PROFILE_PATH}/email/verify`]: 'verify',
  [`${PROFILE_PATH}/sessions/sign-out-others`]: 'sessions',
  [`${PROFILE_PATH}/consents/revoke`]: 'consents',
};

const field = (body: unknown, name: string, max = 1024): string => {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v.slice(0, max) : '';
};

interface Extra {
  notice?: string | undefined;
  noticeParams?: Record<string, string | number> | undefined;
  pendingEmail?: string | undefined;
}

async function renderProfile(ctx: Context, deps: PagesDeps, state: FormState, extra: Extra = {}) {
  // after a failed POST the visitor comes back to the page itself, not to the form's path
  const visit = await portalVisit(ctx, deps, PROFILE_PATH);
  if (!visit) return;
  const accountId = visit.account.id;
  const [profile, certificates, passkeys, sessions, consents] = await Promise.all([
    deps.portal.profile.profile(accountId),
    deps.certificates.list(accountId),
    deps.passkeys.list(accountId),
    deps.portal.sessions.list(accountId, {
      uid: visit.sessionUid,
      ip: ctx.ip,
      userAgent: ctx.get('user-agent') || undefined,
    }),
    deps.portal.consents.list(accountId),
  ]);
  const names = await deps.portal.clientNames(consents.map((c) => c.clientId));
  const failed = state.error ? FORMS[ctx.path] : undefined;
  const input = state.input ?? {};
  const done = ctx.query.done;
  const notice =
    extra.notice ??
    (typeof done === 'string' && Object.hasOwn(NOTICES, done)
      ? NOTICES[done as keyof typeof NOTICES]
      : undefined);
  const account = profile?.account ?? visit.account;
  const count = Number.parseInt(String(ctx.query.count ?? ''), 10);
  sendPage(
    ctx,
    portalProfilePage({
      ...visit.shell,
      profile: {
        name: account.name,
        username: account.username,
        schoolName: profile?.school?.name ?? null,
        identityType: account.identityType,
        titles: profile?.titles ?? [],
        nationalIdMasked: account.nationalIdMasked,
        email: account.email,
        emailVerified: account.emailVerified,
      },
      certificateCount: certificates.length,
      passkeyCount: passkeys.length,
      sessions,
      consents: consents.map((c) => ({ ...c, clientName: names.get(c.clientId) ?? c.clientId })),
      failed,
      error: state.error,
      notice,
      noticeParams: extra.noticeParams ?? (Number.isFinite(count) ? { count } : undefined),
      pendingEmail: extra.pendingEmail ?? (failed === 'verify' ? field(input, 'email', 254) : undefined),
      typedEmail: failed === 'email' ? field(input, 'email', 254) : undefined,
    }),
    state.status ?? (state.error ? 400 : 200),
  );
}

function backToProfile(ctx: Context, done: keyof typeof NOTICES, extra = '') {
  ctx.status = 303;
  ctx.redirect(`${PROFILE_PATH}?done=${done}${extra}`);
}

/** POST-only paths: a GET (a bookmark, a reload) shows the profile. */
const form = (path: string, submit: FormPage['submit']): FormPage => ({
  path,
  render: renderProfile,
  show: async (ctx) => {
    ctx.redirect(PROFILE_PATH);
  },
  submit,
});

/** The signed-in visit of a 資料 form; without a sign-in, the login that returns to 資料. */
const signedIn = (ctx: Context, deps: PagesDeps) => portalVisit(ctx, deps, PROFILE_PATH);

export const profilePages: readonly FormPage[] = [
  { path: PROFILE_PATH, render: renderProfile },
  form(`${PROFILE_PATH}/password`, async (ctx, deps) => {
    const visit = await signedIn(ctx, deps);
    if (!visit) return;
    const body = ctx.request.body;
    await deps.portal.profile.changePassword(visit.account, {
      current: field(body, 'current'),
      password: field(body, 'password'),
      confirm: field(body, 'confirm'),
    });
    // whoever knew the old password may be signed in elsewhere: only this browser stays
    await deps.portal.sessions.signOutOthers(visit.account.id, visit.sessionUid);
    backToProfile(ctx, 'password');
  }),
  form(`${PROFILE_PATH}/email`, async (ctx, deps) => {
    const visit = await signedIn(ctx, deps);
    if (!visit) return;
    const email = await deps.portal.profile.sendEmailCode(
      visit.account,
      field(ctx.request.body, 'email', 320),
    );
    await renderProfile(
      ctx,
      deps,
      {},
      { notice: 'portal.email_code_sent', noticeParams: { email }, pendingEmail: email },
    );
  }),
  form(`${PROFILE_PATH}/email/verify`, async (ctx, deps) => {
    const visit = await signedIn(ctx, deps);
    if (!visit) return;
    const body = ctx.request.body;
    await deps.portal.profile.verifyEmail(visit.account, field(body, 'email', 320), field(body, 'code', 32));
    backToProfile(ctx, 'email');
  }),
  form(`${PROFILE_PATH}/sessions/sign-out-others`, async (ctx, deps) => {
    const visit = await signedIn(ctx, deps);
    if (!visit) return;
    const count = await deps.portal.sessions.signOutOthers(visit.account.id, visit.sessionUid);
    backToProfile(ctx, 'sessions', `&count=${count}`);
  }),
  form(`${PROFILE_PATH}/consents/revoke`, async (ctx, deps) => {
    const visit = await signedIn(ctx, deps);
    if (!visit) return;
    await deps.portal.consents.revoke(visit.account.id, field(ctx.request.body, 'client_id', 256));
    backToProfile(ctx, 'revoked');
  }),
];
