/**
 * Console plumbing shared by every admin page: the guard that turns the console session into
 * an Actor (or sends the browser to sign in), page rendering inside the admin shell with the
 * menu the actor may use, flash messages across POST → redirect → GET, form re-rendering with
 * the error and the input, and multipart uploads with their CSRF check.
 */
import multer from '@koa/multer';
import type { Context, Next } from 'koa';
import { tc } from '../../views/admin/common.js';
import { type AdminLayoutProps, adminErrorBody, adminLayout } from '../../views/admin/layout.js';
import type { Locale } from '../../views/i18n.js';
import { type AppError, defineErrors, isAppError } from '../errors.js';
import { csrfToken, verifyCsrf } from '../interactions/csrf.js';
import { resolveLocale } from '../interactions/locale.js';
import { sendPage } from '../interactions/page.js';
import { loadActor } from '../services/admin/actor.js';
import {
  type Actor,
  authorize,
  isCountyAdmin,
  isSchoolAdmin,
  isTeacher,
  policyErrors,
} from '../services/admin/policy.js';
import { requireAllowedAddress } from './address.js';
import type { AdminDeps } from './deps.js';
import { ADMIN_BASE } from './session.js';

const FLASH_COOKIE = 'edu_admin_flash';

export function actorOf(ctx: Context): Actor {
  const actor = ctx.state.actor as Actor | undefined;
  if (!actor) throw policyErrors.forbidden();
  return actor;
}

export function localeOf(ctx: Context): Locale {
  return (ctx.state.locale as Locale | undefined) ?? resolveLocale(ctx);
}

/** Path and query without lang=, for the language switch. */
function selfHref(ctx: Context): string {
  const params = new URLSearchParams(ctx.querystring);
  params.delete('lang');
  const q = params.toString();
  return q ? `${ctx.path}?${q}` : ctx.path;
}

function roleLabels(locale: Locale, actor: Actor): string[] {
  const roles: string[] = [];
  if (isCountyAdmin(actor)) roles.push(tc(locale, 'role.county_admin'));
  if (actor.adminSchoolIds.length > 0) roles.push(tc(locale, 'role.school_admin'));
  if (isTeacher(actor)) roles.push(tc(locale, 'role.teacher'));
  return roles;
}

export function setFlash(ctx: Context, kind: 'success' | 'error', text: string): void {
  ctx.cookies.set(FLASH_COOKIE, Buffer.from(JSON.stringify({ kind, text })).toString('base64url'), {
    signed: true,
    httpOnly: true,
    sameSite: 'lax',
    path: ADMIN_BASE,
    overwrite: true,
    maxAge: 60_000,
  });
}

function takeFlash(ctx: Context): AdminLayoutProps['flash'] {
  const raw = ctx.cookies.get(FLASH_COOKIE, { signed: true });
  if (!raw) return undefined;
  ctx.cookies.set(FLASH_COOKIE, null, { path: ADMIN_BASE, signed: true, overwrite: true });
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as {
      kind: unknown;
      text: unknown;
    };
    if ((parsed.kind === 'success' || parsed.kind === 'error') && typeof parsed.text === 'string') {
      return { kind: parsed.kind, text: parsed.text };
    }
  } catch {
    // a damaged flash is simply not shown
  }
  return undefined;
}

/** A top-menu entry; the router puts the modules' entries in ctx.state.adminMenu. */
export interface MenuEntry {
  label: Parameters<typeof tc>[1];
  path: string;
  visible(actor: Actor): boolean;
}

/** Sends a page inside the admin shell, with the menu entries this actor may use. */
export function sendAdminPage(
  ctx: Context,
  p: { title: string; body: AdminLayoutProps['body']; status?: number; flash?: AdminLayoutProps['flash'] },
): void {
  const locale = localeOf(ctx);
  const actor = ctx.state.actor as Actor | undefined;
  const entries = (ctx.state.adminMenu ?? []) as readonly MenuEntry[];
  const menu = actor
    ? entries
        .filter((m) => m.visible(actor))
        .map((m) => ({
          label: tc(locale, m.label),
          href: m.path,
          current: ctx.path === m.path || ctx.path.startsWith(`${m.path}/`),
        }))
    : undefined;
  const html = adminLayout({
    locale,
    title: p.title,
    body: p.body,
    menu,
    user: actor
      ? { name: actor.name ?? actor.username, username: actor.username, roles: roleLabels(locale, actor) }
      : undefined,
    csrf: csrfToken(ctx),
    flash: p.flash ?? takeFlash(ctx),
    selfHref: selfHref(ctx),
  });
  sendPage(ctx, html, p.status ?? 200);
}

export function sendAdminError(ctx: Context, code: string, status: number, backHref?: string): void {
  const locale = localeOf(ctx);
  sendAdminPage(ctx, {
    title: tc(locale, 'admin.error_title'),
    body: adminErrorBody(locale, code, backHref),
    status,
  });
}

/**
 * Runs a form action; an error the admin can fix re-renders the form (with its input, which
 * the render function reads from ctx.request.body) and the message, with the error's status.
 */
export async function withForm(
  ctx: Context,
  render: (error: string) => void | Promise<void>,
  action: () => Promise<void>,
): Promise<void> {
  try {
    await action();
  } catch (err) {
    if (isAppError(err) && err.expose) {
      await render(err.code);
      ctx.status = (err as AppError).status;
      return;
    }
    throw err;
  }
}

/** Flash + redirect after a successful POST (so reload does not repeat it). */
export function redirectWithFlash(
  ctx: Context,
  to: string,
  text: string,
  kind: 'success' | 'error' = 'success',
) {
  setFlash(ctx, kind, text);
  ctx.redirect(to);
}

export function consoleErrorBoundary() {
  return async (ctx: Context, next: Next) => {
    ctx.state.locale = resolveLocale(ctx);
    try {
      await next();
    } catch (err) {
      if (isAppError(err) && err.expose) {
        sendAdminError(
          ctx,
          err.code,
          err.status,
          ctx.method === 'POST' ? ctx.get('referer') && ADMIN_BASE : undefined,
        );
        return;
      }
      ctx.state.log?.error({ err }, 'admin console failed');
      sendAdminError(ctx, 'server_error', 500);
    }
  };
}

/**
 * The console session → Actor. No session: off to sign in (GET) or refused (POST). A signed-in
 * account with no role sees a page that says so, not the console.
 */
export function requireActor(deps: AdminDeps) {
  return async (ctx: Context, next: Next) => {
    const session = await deps.sessions.current(ctx);
    const account = session ? await deps.accounts.findById(session.accountId) : undefined;
    if (!session || !account || account.status !== 'active') {
      if (ctx.method === 'GET') {
        ctx.redirect(`${ADMIN_BASE}/login?return=${encodeURIComponent(ctx.originalUrl)}`);
        return;
      }
      throw policyErrors.forbidden();
    }
    const actor = await loadActor(deps.db, account, { ip: ctx.ip, via: 'console' });
    ctx.state.actor = actor;
    if (!isCountyAdmin(actor) && !isSchoolAdmin(actor) && !isTeacher(actor)) {
      sendAdminError(ctx, 'admin.no_role', 403);
      return;
    }
    await requireAllowedAddress(deps, actor, account.schoolId);
    authorize(actor, 'console.enter');
    await next();
  };
}

/**
 * Multipart upload (roster files): multer keeps the file in memory up to maxBytes, then the
 * form's CSRF field is checked like any other form.
 */
export interface UploadedFile {
  buffer: Buffer;
  originalname: string;
  mimetype: string;
  size: number;
}

/** The file multer kept in memory for this request, if one was sent. */
export function uploadedFile(ctx: Context): UploadedFile | undefined {
  const file =
    (ctx as unknown as { file?: UploadedFile }).file ??
    (ctx.request as unknown as { file?: UploadedFile }).file;
  return file && Buffer.isBuffer(file.buffer) ? file : undefined;
}

export const uploadErrors = defineErrors('upload', {
  too_large: { status: 413, message: 'upload.too_large' },
  invalid: { message: 'upload.invalid' },
});

export function upload(field: string, maxBytes: number) {
  const parse = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: maxBytes, files: 1 },
    // browsers send the file name as raw UTF-8 ("3年3班.csv"); busboy's default reads latin1
    defParamCharset: 'utf8',
  }).single(field);
  return async (ctx: Context, next: Next) => {
    try {
      await parse(ctx as never, async () => undefined);
    } catch (err) {
      // multer's own errors (size, unexpected field, malformed multipart) are the uploader's to fix
      throw (err as { code?: string }).code === 'LIMIT_FILE_SIZE'
        ? uploadErrors.too_large()
        : uploadErrors.invalid();
    }
    await verifyCsrf(ctx, next);
  };
}
