/**
 * Console pages of 服務管理: /admin/services (list), /admin/services/new, POST /admin/services,
 * /admin/services/:id/edit, POST /admin/services/:id, POST /admin/services/:id/delete.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { tc } from '../../../views/admin/common.js';
import { pageFromQuery } from '../../../views/admin/components.js';
import {
  type ServiceFormValues,
  serviceFormPage,
  servicesListPage,
  tsa,
} from '../../../views/admin/services.js';
import { serviceName } from '../../../views/service-card.js';
import { csrfToken } from '../../interactions/csrf.js';
import {
  SERVICE_ICONS,
  SERVICE_IDENTITY_TYPES,
  type Service,
  type ServiceCatalog,
  type ServiceFields,
} from '../../services/service-catalog.js';
import { actorOf, localeOf, redirectWithFlash, sendAdminPage, withForm } from '../console.js';
import { formText } from '../schools/form.js';

function formList(ctx: Context, name: string): string[] {
  const v = (ctx.request.body as Record<string, unknown> | undefined)?.[name];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string' && x !== '');
}

const formValues = (ctx: Context): ServiceFormValues => ({
  name_zh: formText(ctx, 'name_zh'),
  name_en: formText(ctx, 'name_en'),
  icon: formText(ctx, 'icon'),
  description_zh: formText(ctx, 'description_zh'),
  description_en: formText(ctx, 'description_en'),
  client_id: formText(ctx, 'client_id'),
  go_url: formText(ctx, 'go_url'),
  identity_types: formList(ctx, 'identity_types'),
  school_ids: formList(ctx, 'school_ids'),
  activation_required: formText(ctx, 'activation_required') === '1',
  enabled: formText(ctx, 'enabled') === '1',
  sort_order: formText(ctx, 'sort_order'),
  owner_org_id: formText(ctx, 'owner_org_id'),
});

const fieldsOf = (v: ServiceFormValues): ServiceFields => ({
  nameZh: v.name_zh ?? '',
  nameEn: v.name_en,
  icon: v.icon ?? '',
  descriptionZh: v.description_zh,
  descriptionEn: v.description_en,
  clientId: v.client_id,
  goUrl: v.go_url,
  identityTypes: v.identity_types,
  schoolIds: v.school_ids,
  activationRequired: v.activation_required ?? false,
  enabled: v.enabled ?? false,
  sortOrder: v.sort_order,
  ownerOrgId: v.owner_org_id,
});

const valuesOf = (s: Service): ServiceFormValues => ({
  name_zh: s.nameZh,
  name_en: s.nameEn,
  icon: s.icon,
  description_zh: s.descriptionZh,
  description_en: s.descriptionEn,
  client_id: s.clientId ?? '',
  go_url: s.goUrl ?? '',
  identity_types: s.identityTypes,
  school_ids: s.schoolIds,
  activation_required: s.activationRequired,
  enabled: s.enabled,
  sort_order: String(s.sortOrder),
  owner_org_id: s.ownerOrgId ?? '',
});

export function mountServicesConsole(router: Router, catalog: ServiceCatalog): void {
  async function renderList(ctx: Context) {
    const actor = actorOf(ctx);
    const locale = localeOf(ctx);
    const { offset, limit } = pageFromQuery(ctx.query);
    const [{ rows, total }, owners, schools, clients] = await Promise.all([
      catalog.list(actor, { offset, limit }),
      catalog.owners(actor),
      catalog.schools(actor),
      catalog.clients(),
    ]);
    const orgNames = new Map<string, string>();
    for (const o of [...owners, ...schools]) if (o.id) orgNames.set(o.id, o.name);
    sendAdminPage(ctx, {
      title: tc(locale, 'menu.services'),
      body: servicesListPage(locale, {
        csrf: csrfToken(ctx),
        rows,
        page: { offset, limit, total },
        query: ctx.query,
        orgNames,
        clientNames: new Map(clients.map((c) => [c.clientId, c.name])),
      }),
    });
  }

  async function renderForm(
    ctx: Context,
    p: { title: string; action: string; values: ServiceFormValues; error?: string },
  ) {
    const actor = actorOf(ctx);
    const locale = localeOf(ctx);
    const [owners, schools, clients] = await Promise.all([
      catalog.owners(actor),
      catalog.schools(actor),
      catalog.clients(),
    ]);
    sendAdminPage(ctx, {
      title: p.title,
      body: serviceFormPage(locale, {
        csrf: csrfToken(ctx),
        action: p.action,
        values: p.values,
        error: p.error,
        owners,
        schools: schools.map((s) => ({ id: s.id, name: s.name })),
        clients,
        icons: SERVICE_ICONS,
        identityTypes: SERVICE_IDENTITY_TYPES,
      }),
    });
  }

  router.get('/admin/services', (ctx) => renderList(ctx));

  router.get('/admin/services/new', async (ctx) => {
    // the list call refuses an actor who manages no service (a teacher)
    await catalog.list(actorOf(ctx), { offset: 0, limit: 1 });
    const owners = await catalog.owners(actorOf(ctx));
    await renderForm(ctx, {
      title: tsa(localeOf(ctx), 'services.new'),
      action: '/admin/services',
      values: { owner_org_id: owners[0]?.id ?? '' },
    });
  });

  router.post('/admin/services', async (ctx) => {
    const values = formValues(ctx);
    const title = tsa(localeOf(ctx), 'services.new');
    await withForm(
      ctx,
      (error) => renderForm(ctx, { title, action: '/admin/services', values, error }),
      async () => {
        const created = await catalog.create(actorOf(ctx), fieldsOf(values));
        const locale = localeOf(ctx);
        redirectWithFlash(
          ctx,
          '/admin/services',
          tsa(locale, 'services.created', { name: serviceName(locale, created) }),
        );
      },
    );
  });

  router.get('/admin/services/:id/edit', async (ctx) => {
    const service = await catalog.get(actorOf(ctx), ctx.params.id!);
    await renderForm(ctx, {
      title: tsa(localeOf(ctx), 'services.edit'),
      action: `/admin/services/${service.id}`,
      values: valuesOf(service),
    });
  });

  router.post('/admin/services/:id', async (ctx) => {
    const service = await catalog.get(actorOf(ctx), ctx.params.id!);
    const values = formValues(ctx);
    const title = tsa(localeOf(ctx), 'services.edit');
    const action = `/admin/services/${service.id}`;
    await withForm(
      ctx,
      (error) => renderForm(ctx, { title, action, values, error }),
      async () => {
        const updated = await catalog.update(actorOf(ctx), service.id, fieldsOf(values));
        const locale = localeOf(ctx);
        redirectWithFlash(
          ctx,
          '/admin/services',
          tsa(locale, 'services.updated', { name: serviceName(locale, updated) }),
        );
      },
    );
  });

  router.post('/admin/services/:id/delete', async (ctx) => {
    const removed = await catalog.remove(actorOf(ctx), ctx.params.id!);
    const locale = localeOf(ctx);
    redirectWithFlash(
      ctx,
      '/admin/services',
      tsa(locale, 'services.deleted', { name: serviceName(locale, removed) }),
    );
  });
}
