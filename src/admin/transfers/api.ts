/** 學校異動 in the admin API (/admin/api/v1/transfers…). */

import { transferSummary, transferSummarySchema } from '../accounts/schema.js';
import type { ApiRegistry } from '../api.js';
import { listOf } from '../api.js';
import type { AdminDeps } from '../deps.js';
import {
  candidate,
  candidateSchema,
  idParams,
  listQuery,
  lookupBody,
  rejectBody,
  requestBody,
  transfer,
  transferSchema,
} from './schema.js';

const TAG = 'transfers';

export function mountTransferApi(api: ApiRegistry, deps: AdminDeps): void {
  const service = deps.transfers;

  api.add({
    method: 'get',
    path: '/transfers',
    tag: TAG,
    summary:
      "Transfer requests of the caller's schools: incoming (to release, 待審核 when pending), outgoing (requested), or all",
    query: listQuery,
    response: listOf(transferSummarySchema),
    handler: async ({ actor, query }) => {
      const { rows, total } = await service.list(actor, query);
      return { items: rows.map(transferSummary), total, offset: query.offset, limit: query.limit };
    },
  });

  api.add({
    method: 'post',
    path: '/transfers/lookup',
    tag: TAG,
    summary:
      'Find an account at another school by exact username or full national ID: username, name, masked ID and school only',
    body: lookupBody,
    response: candidateSchema,
    handler: async ({ actor, body }) =>
      candidate(await service.lookup(actor, { username: body.username, nationalId: body.national_id })),
  });

  api.add({
    method: 'post',
    path: '/transfers',
    tag: TAG,
    summary: 'Request the transfer of an account to one of the caller’s schools, with its titles there',
    body: requestBody,
    response: transferSchema,
    status: 201,
    handler: async ({ actor, body }) =>
      transfer(
        await service.request(actor, {
          accountId: body.account_id,
          toSchoolId: body.to_school_id,
          titles: body.titles,
        }),
      ),
  });

  api.add({
    method: 'get',
    path: '/transfers/:id',
    tag: TAG,
    summary: 'A transfer request (either school sees it)',
    params: idParams,
    response: transferSchema,
    handler: async ({ actor, params }) => transfer(await service.get(actor, params.id)),
  });

  api.add({
    method: 'post',
    path: '/transfers/:id/approve',
    tag: TAG,
    summary: 'Approve (source school or county): titles at the source end, the account moves',
    params: idParams,
    response: transferSchema,
    handler: async ({ actor, params }) => transfer(await service.approve(actor, params.id)),
  });

  api.add({
    method: 'post',
    path: '/transfers/:id/reject',
    tag: TAG,
    summary: 'Reject with a reason (source school or county)',
    params: idParams,
    body: rejectBody,
    response: transferSchema,
    handler: async ({ actor, params, body }) => transfer(await service.reject(actor, params.id, body.reason)),
  });

  api.add({
    method: 'post',
    path: '/transfers/:id/cancel',
    tag: TAG,
    summary: 'Cancel a pending request (the requesting school)',
    params: idParams,
    response: transferSchema,
    handler: async ({ actor, params }) => transfer(await service.cancel(actor, params.id)),
  });
}
