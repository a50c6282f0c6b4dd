/**
 * Console page of 啟用登入機制: /admin/login-policy (rules, add/replace form),
 * POST /admin/login-policy (save) and POST /admin/login-policy/:id/delete.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { tc } from '../../../views/admin/common.js';
import { pageFromQuery } from '../../../views/admin/components.js';
import { loginPolicyPage, type RuleFormValues, tl } from '../../../views/admin/login-policy.js';
import { csrfToken } from '../../interactions/csrf.js';
import { ACR } from '../../interactions/methods/types.js';
import { METHOD_IDS } from '../../provider/policy.js';
import { IDENTITY_TYPES, type LoginPolicies } from '../../services/login-policies.js';
import { actorOf, localeOf, redirectWithFlash, sendAdminPage, withForm } from '../console.js';
import { formText } from '../schools/form.js';

function formList(ctx: Context, name: string): string[] {
  const v = (ctx.request.body as Record<string, unknown> | undefined)?.[name];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string' && x !== '');
}

export function mountLoginPolicyConsole(router: Router, policies: LoginPolicies): void {
  async function render(ctx: Context, form: { values: RuleFormValues; error?: string } = { values: {} }) {
    const actor = actorOf(ctx);
    const locale = localeOf(ctx);
    const { offset, limit } = pageFromQuery(ctx.query);
    const [{ rows, total }, counties, clients] = await Promise.all([
      policies.list(actor, { offset, limit }),
      policies.counties(actor),
      policies.clients(),
    ]);
    const countyName = new Map(counties.map((c) => [c.id, c.name]));
    sendAdminPage(ctx, {
      title: tc(locale, 'menu.login_policy'),
      body: loginPolicyPage(locale, {
        csrf: csrfToken(ctx),
        rows: rows.map((r) => ({ ...r, countyName: countyName.get(r.countyId) ?? r.countyId })),
        page: { offset, limit, total },
        query: ctx.query,
        counties: counties.map((c) => ({ id: c.id, name: c.name })),
        clients,
        identityTypes: IDENTITY_TYPES,
        methods: METHOD_IDS,
        acrValues: Object.values(ACR),
        form,
      }),
    });
  }

  router.get('/admin/login-policy', (ctx) => render(ctx));

  router.post('/admin/login-policy', async (ctx) => {
    const values = {
      county_id: formText(ctx, 'county_id'),
      client_id: formText(ctx, 'client_id'),
      identity_type: formText(ctx, 'identity_type'),
      methods: formList(ctx, 'methods'),
      required_acr: formText(ctx, 'required_acr'),
    };
    await withForm(
      ctx,
      (error) => render(ctx, { values, error }),
      async () => {
        await policies.save(actorOf(ctx), {
          countyId: values.county_id,
          clientId: values.client_id,
          identityType: values.identity_type,
          allowedMethods: values.methods,
          requiredAcr: values.required_acr,
        });
        redirectWithFlash(ctx, '/admin/login-policy', tl(localeOf(ctx), 'login_policy.saved'));
      },
    );
  });

  router.post('/admin/login-policy/:id/delete', async (ctx) => {
    await withForm(
      ctx,
      (error) => render(ctx, { values: {}, error }),
      async () => {
        await policies.remove(actorOf(ctx), ctx.params.id!);
        redirectWithFlash(ctx, '/admin/login-policy', tl(localeOf(ctx), 'login_policy.deleted'));
      },
    );
  });
}
