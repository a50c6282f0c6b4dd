/** Console page of 登入防護: GET /admin/throttle?username=&ip=, POST /admin/throttle/clear. */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { tc } from '../../../views/admin/common.js';
import { throttlePage, tt } from '../../../views/admin/throttle.js';
import { isAppError } from '../../errors.js';
import { csrfToken } from '../../interactions/csrf.js';
import { can } from '../../services/admin/policy.js';
import type { ThrottleAdmin, ThrottleQuery, ThrottleReport } from '../../services/throttle-admin.js';
import { actorOf, localeOf, redirectWithFlash, sendAdminPage } from '../console.js';
import { formText, queryText } from '../schools/form.js';

const hrefOf = (q: ThrottleQuery) => {
  const params = new URLSearchParams();
  if (q.username) params.set('username', q.username);
  if (q.ip) params.set('ip', q.ip);
  const s = params.toString();
  return s ? `/admin/throttle?${s}` : '/admin/throttle';
};

export function mountThrottleConsole(router: Router, admin: ThrottleAdmin): void {
  function render(ctx: Context, query: ThrottleQuery, outcome: { report?: ThrottleReport; error?: string }) {
    const locale = localeOf(ctx);
    const actor = actorOf(ctx);
    const report = outcome.report;
    sendAdminPage(ctx, {
      title: tc(locale, 'menu.throttle'),
      status: outcome.error ? 400 : 200,
      body: throttlePage(locale, {
        csrf: csrfToken(ctx),
        query,
        error: outcome.error,
        canClear:
          Boolean(report) &&
          can(actor, 'throttle.clear', report?.account ? { schoolId: report.account.schoolId } : {}),
        ...(report
          ? {
              report: {
                account: report.account,
                username: report.username,
                ip: report.ip,
                store: report.store,
                rows: report.states,
              },
            }
          : {}),
      }),
    });
  }

  /** Expected errors (bad input) re-render the page; policy errors go to the admin boundary. */
  async function attempt(ctx: Context, query: ThrottleQuery, action: () => Promise<void>) {
    try {
      await action();
    } catch (err) {
      if (isAppError(err) && err.code.startsWith('throttle.')) {
        render(ctx, query, { error: err.code });
        return;
      }
      throw err;
    }
  }

  router.get('/admin/throttle', async (ctx) => {
    const query = { username: queryText(ctx, 'username'), ip: queryText(ctx, 'ip') };
    if (!query.username && !query.ip) {
      render(ctx, query, {});
      return;
    }
    await attempt(ctx, query, async () => {
      render(ctx, query, { report: await admin.lookup(actorOf(ctx), query) });
    });
  });

  router.post('/admin/throttle/clear', async (ctx) => {
    const query = { username: formText(ctx, 'username') || undefined, ip: formText(ctx, 'ip') || undefined };
    await attempt(ctx, query, async () => {
      await admin.clear(actorOf(ctx), query);
      redirectWithFlash(ctx, hrefOf(query), tt(localeOf(ctx), 'throttle.cleared'));
    });
  });
}
