/** 新帳號申請 in the admin API (/admin/api/v1/applications…). */
import { type ApiRegistry, listOf } from '../api.js';
import type { AdminDeps } from '../deps.js';
import {
  applicationOf,
  applicationSchema,
  approvalOf,
  approvalSchema,
  approveBody,
  idParams,
  listQuery,
  rejectBody,
} from './schema.js';

const TAG = 'applications';

export function mountApplicationsApi(api: ApiRegistry, deps: AdminDeps): void {
  const review = deps.applicationReview;

  api.add({
    method: 'get',
    path: '/applications',
    tag: TAG,
    summary:
      "Applications the caller reviews (待審核列表 when status=pending, the default): the caller's schools; school-admin requests only for county admins",
    query: listQuery,
    response: listOf(applicationSchema),
    handler: async ({ actor, query }) => {
      const { rows, total } = await review.list(actor, {
        status: query.status,
        schoolId: query.school_id,
        offset: query.offset,
        limit: query.limit,
      });
      return { items: rows.map(applicationOf), total, offset: query.offset, limit: query.limit };
    },
  });

  api.add({
    method: 'get',
    path: '/applications/:id',
    tag: TAG,
    summary: 'An application (審查詳細資訊), with any other account holding the same national ID',
    params: idParams,
    response: applicationSchema,
    handler: async ({ actor, params }) => applicationOf(await review.get(actor, params.id)),
  });

  api.add({
    method: 'post',
    path: '/applications/:id/approve',
    tag: TAG,
    summary:
      'Approve (接受申請): creates the account with the titles in order (identity title first) and e-mails the activation link',
    params: idParams,
    body: approveBody,
    response: approvalSchema,
    handler: async ({ actor, params, body }) => {
      const { account, view } = await review.approve(actor, params.id, {
        username: body.username?.trim() || undefined,
        titles: body.titles,
      });
      return approvalOf(account, view);
    },
  });

  api.add({
    method: 'post',
    path: '/applications/:id/reject',
    tag: TAG,
    summary: 'Reject with a reason, e-mailed to the applicant',
    params: idParams,
    body: rejectBody,
    response: applicationSchema,
    handler: async ({ actor, params, body }) =>
      applicationOf(await review.reject(actor, params.id, body.reason)),
  });
}
