/**
 * Admin API of 服務管理: GET/POST /services, GET/PUT/DELETE /services/:id.
 */
import { z } from 'zod';
import {
  SERVICE_ICONS,
  SERVICE_IDENTITY_TYPES,
  type Service,
  type ServiceCatalog,
} from '../../services/service-catalog.js';
import { type ApiRegistry, listOf, pageQuery } from '../api.js';

const serviceSchema = z.object({
  id: z.string(),
  name_zh: z.string(),
  name_en: z.string(),
  icon: z.string(),
  description_zh: z.string(),
  description_en: z.string(),
  client_id: z.string().nullable().describe('the RP client behind the service; null = none bound'),
  go_url: z.string().nullable().describe('where the portal’s GO button leads'),
  identity_types: z.array(z.string()).describe('identity types that may use it; empty = every one'),
  school_ids: z.array(z.string()).describe('schools whose accounts may use it; empty = every school'),
  activation_required: z.boolean().describe('no code for the client until the user activated the service'),
  enabled: z.boolean().describe('shown in the portal and activatable'),
  sort_order: z.number().int(),
  owner_org_id: z.string().nullable().describe('null = county-wide; else a county or a school'),
  created_at: z.string(),
  updated_at: z.string(),
});

const bodySchema = z.object({
  name_zh: z.string().max(200),
  name_en: z.string().max(200).default(''),
  icon: z.enum(SERVICE_ICONS as [string, ...string[]]).default('app'),
  description_zh: z.string().max(1000).default(''),
  description_en: z.string().max(1000).default(''),
  client_id: z.string().max(200).nullable().default(null),
  go_url: z.string().max(2000).nullable().default(null),
  identity_types: z.array(z.enum(SERVICE_IDENTITY_TYPES)).max(10).default([]),
  school_ids: z.array(z.string().max(100)).max(1000).default([]),
  activation_required: z.boolean().default(true),
  enabled: z.boolean().default(true),
  sort_order: z.number().int().min(-1_000_000).max(1_000_000).default(0),
  owner_org_id: z.string().max(100).nullable().default(null),
});

type Body = z.output<typeof bodySchema>;

const fields = (b: Body) => ({
  nameZh: b.name_zh,
  nameEn: b.name_en,
  icon: b.icon,
  descriptionZh: b.description_zh,
  descriptionEn: b.description_en,
  clientId: b.client_id,
  goUrl: b.go_url,
  identityTypes: b.identity_types,
  schoolIds: b.school_ids,
  activationRequired: b.activation_required,
  enabled: b.enabled,
  sortOrder: b.sort_order,
  ownerOrgId: b.owner_org_id,
});

const json = (s: Service) => ({
  id: s.id,
  name_zh: s.nameZh,
  name_en: s.nameEn,
  icon: s.icon,
  description_zh: s.descriptionZh,
  description_en: s.descriptionEn,
  client_id: s.clientId,
  go_url: s.goUrl,
  identity_types: s.identityTypes,
  school_ids: s.schoolIds,
  activation_required: s.activationRequired,
  enabled: s.enabled,
  sort_order: s.sortOrder,
  owner_org_id: s.ownerOrgId,
  created_at: s.createdAt.toISOString(),
  updated_at: s.updatedAt.toISOString(),
});

const idParams = z.object({ id: z.string() });

export function mountServicesApi(api: ApiRegistry, catalog: ServiceCatalog): void {
  api.add({
    method: 'get',
    path: '/services',
    tag: 'services',
    summary: 'The services the caller manages (county-wide ones for county admins, a school’s own)',
    query: pageQuery,
    response: listOf(serviceSchema),
    handler: async ({ actor, query }) => {
      const { rows, total } = await catalog.list(actor, query);
      return { items: rows.map(json), total, offset: query.offset, limit: query.limit };
    },
  });

  api.add({
    method: 'post',
    path: '/services',
    tag: 'services',
    summary: 'Create a service',
    body: bodySchema,
    response: serviceSchema,
    status: 201,
    handler: async ({ actor, body }) => json(await catalog.create(actor, fields(body))),
  });

  api.add({
    method: 'get',
    path: '/services/:id',
    tag: 'services',
    summary: 'One service',
    params: idParams,
    response: serviceSchema,
    handler: async ({ actor, params }) => json(await catalog.get(actor, params.id)),
  });

  api.add({
    method: 'put',
    path: '/services/:id',
    tag: 'services',
    summary: 'Replace a service’s settings',
    params: idParams,
    body: bodySchema,
    response: serviceSchema,
    handler: async ({ actor, params, body }) => json(await catalog.update(actor, params.id, fields(body))),
  });

  api.add({
    method: 'delete',
    path: '/services/:id',
    tag: 'services',
    summary: 'Delete a service and its activations',
    params: idParams,
    response: serviceSchema,
    handler: async ({ actor, params }) => json(await catalog.remove(actor, params.id)),
  });
}
