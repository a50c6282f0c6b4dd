/** Admin API of 啟用登入機制: GET/PUT /login-policies, DELETE /login-policies/:id. */
import { z } from 'zod';
import { ACR } from '../../interactions/methods/types.js';
import { METHOD_IDS } from '../../provider/policy.js';
import { IDENTITY_TYPES, type LoginPolicies, type LoginPolicyView } from '../../services/login-policies.js';
import { type ApiRegistry, listOf, pageQuery } from '../api.js';

const acrEnum = z.enum(Object.values(ACR) as [string, ...string[]]);
const methodEnum = z.enum(METHOD_IDS as [string, ...string[]]);

const ruleSchema = z.object({
  id: z.string(),
  county_id: z.string(),
  client_id: z.string().nullable().describe('null = every client'),
  identity_type: z.string().nullable().describe('null = every identity'),
  allowed_methods: z.array(z.string()).describe('login methods allowed; empty = every method'),
  required_acr: z.string().nullable().describe('the weakest acr the sign-in must reach; null = none'),
  updated_by: z.string().nullable().describe('username of the admin who last changed it'),
  updated_at: z.string(),
});

const json = (r: LoginPolicyView) => ({
  id: r.id,
  county_id: r.countyId,
  client_id: r.clientId,
  identity_type: r.identityType,
  allowed_methods: r.allowedMethods,
  required_acr: r.requiredAcr,
  updated_by: r.updatedByUsername,
  updated_at: r.updatedAt.toISOString(),
});

export function mountLoginPolicyApi(api: ApiRegistry, policies: LoginPolicies): void {
  api.add({
    method: 'get',
    path: '/login-policies',
    tag: 'login-policies',
    summary: "The login rules of the caller's counties (county admins)",
    query: pageQuery.extend({ county_id: z.string().optional() }),
    response: listOf(ruleSchema),
    handler: async ({ actor, query }) => {
      const { rows, total } = await policies.list(actor, {
        countyId: query.county_id,
        offset: query.offset,
        limit: query.limit,
      });
      return { items: rows.map(json), total, offset: query.offset, limit: query.limit };
    },
  });

  api.add({
    method: 'put',
    path: '/login-policies',
    tag: 'login-policies',
    summary: 'Create the rule of (county, client, identity), or replace the one there is',
    body: z.object({
      county_id: z.string().max(100),
      client_id: z.string().max(200).nullable().default(null),
      identity_type: z.enum(IDENTITY_TYPES).nullable().default(null),
      allowed_methods: z.array(methodEnum).max(20).default([]),
      required_acr: acrEnum.nullable().default(null),
    }),
    response: ruleSchema,
    handler: async ({ actor, body }) =>
      json(
        await policies.save(actor, {
          countyId: body.county_id,
          clientId: body.client_id,
          identityType: body.identity_type,
          allowedMethods: body.allowed_methods,
          requiredAcr: body.required_acr,
        }),
      ),
  });

  api.add({
    method: 'delete',
    path: '/login-policies/:id',
    tag: 'login-policies',
    summary: 'Delete a rule',
    params: z.object({ id: z.string() }),
    response: ruleSchema,
    handler: async ({ actor, params }) => json(await policies.remove(actor, params.id)),
  });
}
