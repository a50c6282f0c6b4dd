/**
 * 帳號管理 in the admin API (/admin/api/v1/accounts…). Full national IDs are accepted only
 * in a body (POST /accounts/search); GET /accounts takes the masked form.
 */
import { z } from 'zod';
import { isFullNationalId } from '../../services/account-admin.js';
import { type ApiRegistry, apiErrors, listOf } from '../api.js';
import type { AdminDeps } from '../deps.js';
import {
  accountDetail,
  accountDetailSchema,
  accountSummary,
  accountSummarySchema,
  idParams,
  isoOf,
  listQuery,
  loginRecordSchema,
  loginsQuery,
  patchBody,
  searchBody,
  toAccountQuery,
} from './schema.js';

const TAG = 'accounts';

export function mountAccountApi(api: ApiRegistry, deps: AdminDeps): void {
  const service = deps.accountAdmin;
  const list = listOf(accountSummarySchema);

  api.add({
    method: 'get',
    path: '/accounts',
    tag: TAG,
    summary:
      'Search the accounts the caller may see (username prefix, name, school, class, identity, status, masked national ID)',
    query: listQuery,
    response: list,
    handler: async ({ actor, query }) => {
      if (query.national_id_masked && isFullNationalId(query.national_id_masked)) {
        throw apiErrors.invalid_request('a full national ID belongs in the body of POST /accounts/search');
      }
      const { offset, limit } = query;
      const { rows, total } = await service.search(
        actor,
        toAccountQuery(query, query.national_id_masked, { offset, limit }),
      );
      return { items: rows.map(accountSummary), total, offset, limit };
    },
  });

  api.add({
    method: 'post',
    path: '/accounts/search',
    tag: TAG,
    summary: 'Search accounts, also by full national ID (matched by its keyed hash) or masked ID',
    body: searchBody,
    response: list,
    handler: async ({ actor, body }) => {
      const { offset, limit } = body;
      const { rows, total } = await service.search(
        actor,
        toAccountQuery(body, body.national_id, { offset, limit }),
      );
      return { items: rows.map(accountSummary), total, offset, limit };
    },
  });

  api.add({
    method: 'get',
    path: '/accounts/:id',
    tag: TAG,
    summary: 'An account: directory data (national ID masked), titles with history, classes, transfers',
    params: idParams,
    response: accountDetailSchema,
    handler: async ({ actor, params }) => accountDetail(await service.get(actor, params.id)),
  });

  api.add({
    method: 'patch',
    path: '/accounts/:id',
    tag: TAG,
    summary: 'Change identity type, titles (identity title kept first), name, e-mail, mobile, OpenID 2.0 ids',
    params: idParams,
    body: patchBody,
    response: accountDetailSchema,
    handler: async ({ actor, params, body }) =>
      accountDetail(
        await service.update(actor, params.id, {
          identityType: body.identity_type,
          titles: body.titles,
          titlesSchoolId: body.titles_school_id,
          name: body.name,
          familyName: body.family_name,
          givenName: body.given_name,
          email: body.email,
          mobile: body.mobile,
          openid2Ids: body.openid2_ids,
        }),
      ),
  });

  api.add({
    method: 'get',
    path: '/accounts/:id/logins',
    tag: TAG,
    summary: "The account's recent login records (最近登入), newest first",
    params: idParams,
    query: loginsQuery,
    response: z.object({ items: z.array(loginRecordSchema) }),
    handler: async ({ actor, params, query }) => {
      const rows = await service.logins(actor, params.id, query.limit);
      return {
        items: rows.map((r) => ({
          id: r.id,
          created_at: r.createdAt.toISOString(),
          success: r.success,
          method: r.method,
          client_id: r.clientId,
          failure_reason: r.failureReason,
          ip: r.ip,
          os: r.os,
          browser: r.browser,
          device: r.device,
          last_activity_at: isoOf(r.lastActivityAt),
        })),
      };
    },
  });

  const actions = [
    [
      'disable',
      'Disable the account: it can no longer sign in',
      (a, id) => service.setStatus(a, id, 'disabled'),
    ],
    ['enable', 'Enable the account again', (a, id) => service.setStatus(a, id, 'active')],
    [
      'delete',
      'Soft-delete the account (hidden, cannot sign in; the county can restore it)',
      service.softDelete,
    ],
    ['restore', 'Restore a soft-deleted account (county administrators); it stays disabled', service.restore],
  ] as const satisfies ReadonlyArray<
    readonly [
      string,
      string,
      (actor: Parameters<typeof service.get>[0], id: string) => ReturnType<typeof service.get>,
    ]
  >;
  for (const [name, summary, run] of actions) {
    api.add({
      method: 'post',
      path: `/accounts/:id/${name}`,
      tag: TAG,
      summary,
      params: idParams,
      response: accountDetailSchema,
      handler: async ({ actor, params }) => accountDetail(await run(actor, params.id)),
    });
  }

  api.add({
    method: 'post',
    path: '/accounts/:id/reset-link',
    tag: TAG,
    summary: 'A one-time password reset link, returned once (and e-mailed to a verified address)',
    params: idParams,
    response: z.object({ url: z.string(), emailed_to: z.string().nullable() }),
    handler: async ({ actor, params }) => {
      const { url, emailedTo } = await service.resetLink(actor, params.id);
      return { url, emailed_to: emailedTo };
    },
  });

  api.add({
    method: 'post',
    path: '/accounts/:id/temporary-password',
    tag: TAG,
    summary: 'A temporary password, returned once; it must be changed at the next login',
    params: idParams,
    response: z.object({ password: z.string(), must_change_password: z.literal(true) }),
    handler: async ({ actor, params }) => {
      const { password } = await service.temporaryPassword(actor, params.id);
      // the old password is not to be trusted: every session made with it ends
      await deps.opSessions.signOutOthers(params.id, undefined);
      return { password, must_change_password: true as const };
    },
  });
}
