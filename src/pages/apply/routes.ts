/**
 * 新帳號申請, the public side:
 *
 *   GET  /apply                 the form
 *   POST /apply                 create (unverified), send both codes → /apply/:id/verify
 *   GET  /apply/:id/verify      the two code fields
 *   POST /apply/:id/verify      check them → /apply/:id/submitted
 *   POST /apply/:id/resend      send one code again (throttled) → /apply/:id/verify?sent=…
 *   GET  /apply/:id/submitted   申請已送出
 *
 * The id is a random UUID, and the application is also bound to the browser that created
 * it by a signed cookie: someone else who learns the id cannot drive it.
 */
import type { Context } from 'koa';
import { applyPage } from '../../../views/pages/apply.js';
import { applySubmittedPage } from '../../../views/pages/apply-submitted.js';
import { applyVerifyPage } from '../../../views/pages/apply-verify.js';
import { AppError } from '../../errors.js';
import { csrfToken } from '../../interactions/csrf.js';
import { langHrefs, resolveLocale } from '../../interactions/locale.js';
import { sendPage } from '../../interactions/page.js';
import { type ApplicantView, applicationErrors } from '../../services/applications.js';
import type { FormPage, FormState, PagesDeps } from '../deps.js';
import { parseApplicationForm } from './schema.js';

const COOKIE = 'edu_apply';
const COOKIE_MAX_AGE = 24 * 3600 * 1000;

const verifyPath = (id: string) => `/apply/${id}/verify`;
const submittedPath = (id: string) => `/apply/${id}/submitted`;

function bind(ctx: Context, id: string): void {
  ctx.cookies.set(COOKIE, id, {
    signed: true,
    httpOnly: true,
    sameSite: 'lax',
    path: '/apply',
    maxAge: COOKIE_MAX_AGE,
    overwrite: true,
  });
}

/**
 * The application of the :id in the path, if this browser created it.
 * @throws application.not_found (also for another browser's application)
 */
async function boundApplication(ctx: Context, deps: PagesDeps): Promise<ApplicantView> {
  const id = ctx.params.id ?? '';
  const cached = ctx.state.application as ApplicantView | undefined;
  if (cached && cached.id === id) return cached;
  if (ctx.cookies.get(COOKIE, { signed: true }) !== id) throw applicationErrors.not_found();
  const view = await deps.applications.applicantView(id);
  if (!view) throw applicationErrors.not_found();
  ctx.state.application = view;
  return view;
}

function redirect(ctx: Context, to: string): void {
  ctx.status = 303;
  ctx.redirect(to);
}

const applyForm: FormPage = {
  path: '/apply',

  async render(ctx, deps, state) {
    const locale = resolveLocale(ctx);
    const schools = await deps.applications.listSchools();
    const html = applyPage({
      locale,
      action: '/apply',
      csrf: csrfToken(ctx),
      schools,
      input: state.input,
      error: state.error,
      fields: state.fields,
      langHrefs: langHrefs(ctx),
    });
    sendPage(ctx, html, state.status ?? (state.error ? 400 : 200));
  },

  async submit(ctx, deps) {
    const input = parseApplicationForm(ctx.request.body);
    const { id } = await deps.applications.submit(input, { ip: ctx.ip });
    bind(ctx, id);
    redirect(ctx, verifyPath(id));
  },
};

async function renderVerify(ctx: Context, deps: PagesDeps, state: FormState): Promise<void> {
  const view = await boundApplication(ctx, deps);
  const sent = ctx.query.sent;
  const html = applyVerifyPage({
    locale: resolveLocale(ctx),
    csrf: csrfToken(ctx),
    action: verifyPath(view.id),
    resendAction: `/apply/${view.id}/resend`,
    maskedEmail: view.maskedEmail,
    maskedMobile: view.maskedMobile,
    emailVerified: view.emailVerified,
    mobileVerified: view.mobileVerified,
    minutes: Math.max(1, Math.round(deps.config.verificationCodeTtl / 60)),
    error: state.error,
    fields: state.fields,
    sent: sent === 'email' || sent === 'sms' ? sent : undefined,
    langHrefs: langHrefs(ctx),
  });
  sendPage(ctx, html, state.status ?? (state.error ? 400 : 200));
}

const verifyForm: FormPage = {
  path: '/apply/:id/verify',
  render: renderVerify,

  async show(ctx, deps) {
    const view = await boundApplication(ctx, deps);
    if (view.status !== 'unverified') return redirect(ctx, submittedPath(view.id));
    await renderVerify(ctx, deps, {});
  },

  async submit(ctx, deps) {
    const { id } = await boundApplication(ctx, deps);
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const code = (v: unknown) => (typeof v === 'string' ? v.slice(0, 32) : undefined);
    // the codes' own limits (tries per code, sends per hour) bound one application; the shared
    // throttle also bounds one address guessing across many applications (issue 4: any OTP)
    const key = { account: `application:${id}`, ip: ctx.ip };
    await deps.throttle.guard('otp', key);
    try {
      await deps.applications.verify(id, { emailCode: code(body.email_code), smsCode: code(body.sms_code) });
      await deps.throttle.succeeded('otp', key);
    } catch (err) {
      await deps.throttle.failed('otp', key);
      throw err;
    } finally {
      // a code accepted before the other failed shows as done on the re-rendered form
      ctx.state.application = undefined;
    }
    redirect(ctx, submittedPath(id));
  },
};

const resendForm: FormPage = {
  path: '/apply/:id/resend',
  render: renderVerify,

  async show(ctx, deps) {
    const { id } = await boundApplication(ctx, deps);
    redirect(ctx, verifyPath(id));
  },

  async submit(ctx, deps) {
    const { id } = await boundApplication(ctx, deps);
    const channel = (ctx.request.body as Record<string, unknown> | undefined)?.channel;
    if (channel !== 'email' && channel !== 'sms') throw new AppError('input.invalid', 'input.invalid');
    await deps.applications.resendCode(id, channel);
    redirect(ctx, `${verifyPath(id)}?sent=${channel}`);
  },
};

const submittedPage: FormPage = {
  path: '/apply/:id/submitted',

  async render(ctx, deps) {
    const view = await boundApplication(ctx, deps);
    if (view.status === 'unverified') return redirect(ctx, verifyPath(view.id));
    const html = applySubmittedPage({
      locale: resolveLocale(ctx),
      schoolName: view.schoolName,
      decided: view.status === 'approved' || view.status === 'rejected',
      langHrefs: langHrefs(ctx),
    });
    sendPage(ctx, html);
  },
};

export const applyPages: readonly FormPage[] = [applyForm, verifyForm, resendForm, submittedPage];
