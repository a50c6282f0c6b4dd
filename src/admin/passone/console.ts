/**
 * Console pages of 一次登入 (passOne):
 *
 *   GET  /admin/passone               the actor's students, "Add to passOne", issued codes, 使用說明
 *   POST /admin/passone/list          add a student to the list (Add to passOne)
 *   POST /admin/passone/list/remove   take one off; POST /admin/passone/list/clear empties it
 *   GET  /admin/passone/confirm       一次性登入名單確認 with 建立一次性登入通行碼
 *   POST /admin/passone/codes         creates the codes and answers with the printable slips
 *                                     (the only time the codes are shown; nothing to reload)
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { tc } from '../../../views/admin/common.js';
import { pageFromQuery } from '../../../views/admin/components.js';
import { passOneConfirmPage, passOneListPage, passOneSlipsPage, tp } from '../../../views/admin/passone.js';
import { isAppError } from '../../errors.js';
import { csrfToken } from '../../interactions/csrf.js';
import { PASS_ONE_PATH } from '../../interactions/methods/pass-one/client.js';
import type { PassOneService } from '../../services/pass-one.js';
import { actorOf, localeOf, redirectWithFlash, sendAdminPage } from '../console.js';
import { formText, queryText } from '../schools/form.js';

const BASE = '/admin/passone';

function formList(ctx: Context, name: string): string[] {
  const value = (ctx.request.body as Record<string, unknown> | undefined)?.[name];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((v): v is string => typeof v === 'string').slice(0, 200);
}

/** The list page the form was on (its filters and page), from the referer when it is that page. */
function backToList(ctx: Context): string {
  try {
    const referer = new URL(ctx.get('referer'));
    if (referer.origin === ctx.origin && referer.pathname === BASE) return `${BASE}${referer.search}`;
  } catch {
    // no referer (or not a URL): the first page
  }
  return BASE;
}

export function mountPassOneConsole(router: Router, passOne: PassOneService, issuer: string): void {
  const url = `${issuer}${PASS_ONE_PATH}`;

  async function renderList(ctx: Context, error?: string) {
    const actor = actorOf(ctx);
    const locale = localeOf(ctx);
    const page = pageFromQuery(ctx.query);
    const filters = { username: queryText(ctx, 'username'), name: queryText(ctx, 'name') };
    const [students, listed, issued] = await Promise.all([
      passOne.students(actor, { ...filters, name: filters.name?.slice(0, 60), ...page }),
      passOne.list(actor),
      passOne.issued(actor, { offset: 0, limit: 20 }),
    ]);
    sendAdminPage(ctx, {
      title: tc(locale, 'menu.passone'),
      status: error ? 400 : 200,
      body: passOneListPage(locale, {
        csrf: csrfToken(ctx),
        rows: students.rows,
        page: { ...page, total: students.total },
        query: ctx.query,
        filters,
        listed: new Set(listed.map((a) => a.id)),
        error,
        issued: issued.rows,
        ttl: passOne.ttl,
        url,
      }),
    });
  }

  async function renderConfirm(ctx: Context, error?: string, status = 400) {
    const locale = localeOf(ctx);
    const students = await passOne.list(actorOf(ctx));
    sendAdminPage(ctx, {
      title: tp(locale, 'passone.confirm_title'),
      status: error ? status : 200,
      body: passOneConfirmPage(locale, { csrf: csrfToken(ctx), students, error, ttl: passOne.ttl, url }),
    });
  }

  /** A fixable refusal (not a student, list full…) comes back on the page with its message. */
  async function orRender(
    ctx: Context,
    render: (error: string) => Promise<void>,
    action: () => Promise<void>,
  ) {
    try {
      await action();
    } catch (err) {
      if (isAppError(err) && err.expose && err.status !== 404 && err.status !== 403) {
        await render(err.code);
        ctx.status = err.status;
        return;
      }
      throw err;
    }
  }

  router.get(BASE, (ctx) => renderList(ctx));

  router.post(`${BASE}/list`, async (ctx) => {
    await orRender(
      ctx,
      (error) => renderList(ctx, error),
      async () => {
        const account = await passOne.addToList(actorOf(ctx), formText(ctx, 'account_id'));
        redirectWithFlash(
          ctx,
          backToList(ctx),
          tp(localeOf(ctx), 'passone.flash_added', { username: account.username }),
        );
      },
    );
  });

  router.post(`${BASE}/list/remove`, async (ctx) => {
    const actor = actorOf(ctx);
    const id = formText(ctx, 'account_id');
    const removed = (await passOne.list(actor)).find((a) => a.id === id);
    await passOne.removeFromList(actor, id);
    redirectWithFlash(
      ctx,
      `${BASE}/confirm`,
      tp(localeOf(ctx), 'passone.flash_removed', { username: removed?.username ?? '' }),
    );
  });

  router.post(`${BASE}/list/clear`, async (ctx) => {
    await passOne.clearList(actorOf(ctx));
    redirectWithFlash(ctx, BASE, tp(localeOf(ctx), 'passone.flash_cleared'));
  });

  router.get(`${BASE}/confirm`, (ctx) => renderConfirm(ctx));

  router.post(`${BASE}/codes`, async (ctx) => {
    const actor = actorOf(ctx);
    await orRender(
      ctx,
      (error) => renderConfirm(ctx, error),
      async () => {
        // the ids the confirmation page showed: what the admin checked is what gets codes
        const batch = await passOne.issue(actor, formList(ctx, 'account_ids'));
        await passOne.clearList(actor);
        const locale = localeOf(ctx);
        sendAdminPage(ctx, {
          title: tp(locale, 'passone.slips_title'),
          body: passOneSlipsPage(locale, {
            slips: batch.codes.map((c) => ({ code: c.code, name: c.name })),
            expiresAt: batch.expiresAt,
            ttl: passOne.ttl,
          }),
        });
      },
    );
  });
}
