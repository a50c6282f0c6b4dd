/**
 * 新帳號申請 on the admin side (seeds 003, 機關管理者審查 steps 3–4): the 待審核列表 an actor
 * reviews, one application's 審查詳細資訊, and the decisions (接受申請 / 退回) with their audit
 * entries.
 *
 * Who reviews what is the policy's: a school admin decides the applications of the school
 * (application.decide), a request for the school-admin role is the county admin's
 * (application.decide_admin). An application the actor may not decide is reported as absent,
 * and so is one still waiting for its e-mail and SMS codes (it is not submitted yet).
 * The decision and its audit entry commit together (ApplicationService's onDecided).
 */
import { listSchoolRefs, type SchoolRef } from '../adapters/db/account-directory.js';
import type { Db } from '../adapters/db.js';
import type { Account, AccountService } from './accounts.js';
import { type Actor, type AdminAction, authorizeVisible, can } from './admin/policy.js';
import type { Application, ApplicationService, ApplicationStatus, OnDecided } from './applications.js';
import type { AuditLog } from './audit.js';

export type { SchoolRef };

/** The list's status filter: the 待審核列表 (pending) by default. */
export const REVIEW_STATUSES = ['pending', 'approved', 'rejected', 'all'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

const SUBMITTED: readonly ApplicationStatus[] = ['pending', 'approved', 'rejected'];

export interface ReviewFilter {
  status: ReviewStatus;
  /** one of the actor's schools; another school matches nothing */
  schoolId?: string | undefined;
  offset: number;
  limit: number;
}

export interface ReviewView {
  application: Application;
  /** the admin who decided, when decided */
  decidedByUsername: string | null;
  can: { decide: boolean };
}

export interface ApplicationReview {
  /** Schools whose applications the actor reviews (the list's school filter). */
  schools(actor: Actor): Promise<SchoolRef[]>;
  list(actor: Actor, filter: ReviewFilter): Promise<{ rows: ReviewView[]; total: number }>;
  /** @throws admin.not_found */
  get(actor: Actor, id: string): Promise<ReviewView>;
  /**
   * 接受申請: the account (with the titles in order, identity title first), the school-admin
   * role when asked for, the activation e-mail, and the audit entry.
   * @throws admin.not_found, application.already_decided | username_invalid | username_taken |
   *   titles_invalid, national_id.taken, messaging.send_failed
   */
  approve(
    actor: Actor,
    id: string,
    input: { username?: string | undefined; titles?: string[] | undefined },
  ): Promise<{ account: Account; view: ReviewView }>;
  /**
   * 退回 with a reason, e-mailed to the applicant.
   * @throws admin.not_found, application.already_decided | reason_required | reason_too_long,
   *   messaging.send_failed
   */
  reject(actor: Actor, id: string, reason: string): Promise<ReviewView>;
}

/** The action that decides an application: a school-admin request is the county's. */
export const decideActionOf = (app: Pick<Application, 'reviewer'>): AdminAction =>
  app.reviewer === 'county' ? 'application.decide_admin' : 'application.decide';

export function createApplicationReview(deps: {
  db: Db;
  applications: ApplicationService;
  audit: AuditLog;
  accounts: AccountService;
}): ApplicationReview {
  const { applications, audit } = deps;

  /** @throws admin.not_found unless the actor may decide the application */
  function assertVisible(actor: Actor, app: Application | undefined): asserts app is Application {
    const target = app && app.status !== 'unverified' ? { schoolId: app.schoolId } : undefined;
    authorizeVisible(actor, app ? decideActionOf(app) : 'application.decide', target);
  }

  /** With the deciders' usernames (each looked up once). */
  async function viewsOf(apps: Application[]): Promise<ReviewView[]> {
    const ids = [...new Set(apps.map((a) => a.decidedBy).filter((id): id is string => !!id))];
    const found = await Promise.all(ids.map((id) => deps.accounts.findById(id)));
    const usernames = new Map(ids.map((id, i) => [id, found[i]?.username ?? null]));
    return apps.map((app) => ({
      application: app,
      decidedByUsername: (app.decidedBy && usernames.get(app.decidedBy)) ?? null,
      can: { decide: app.status === 'pending' },
    }));
  }

  const viewOf = async (app: Application) => (await viewsOf([app]))[0]!;

  async function get(actor: Actor, id: string): Promise<ReviewView> {
    const app = await applications.getApplication(id);
    assertVisible(actor, app);
    return viewOf(app);
  }

  /** Writes the decision's audit entry in its transaction, checking the actor once more. */
  const audited =
    (actor: Actor): OnDecided =>
    async (tx, app, outcome) => {
      assertVisible(actor, app);
      const before = {
        status: app.status,
        requested_username: app.requestedUsername,
        requested_titles: app.requestedTitles,
        requests_school_admin: app.requestsSchoolAdmin,
      };
      await audit.record(tx, actor, {
        action: outcome.status === 'approved' ? 'application.approve' : 'application.reject',
        targetType: 'application',
        targetId: app.id,
        orgId: app.schoolId,
        before,
        after:
          outcome.status === 'approved'
            ? {
                status: 'approved',
                account_id: outcome.account.id,
                username: outcome.username,
                titles: outcome.titles,
                school_admin_role: outcome.schoolAdmin,
              }
            : { status: 'rejected', reason: outcome.reason },
      });
    };

  return {
    schools: (actor) =>
      listSchoolRefs(
        deps.db,
        actor.schoolIds.filter((id) => can(actor, 'application.decide', { schoolId: id })),
      ),

    async list(actor, filter) {
      let schoolIds = actor.schoolIds.filter((id) => can(actor, 'application.decide', { schoolId: id }));
      if (filter.schoolId !== undefined) schoolIds = schoolIds.filter((id) => id === filter.schoolId);
      const { rows, total } = await applications.listApplications({
        schoolIds,
        // school-admin requests only where the actor is the county's admin
        adminRequestSchoolIds: schoolIds.filter((id) =>
          can(actor, 'application.decide_admin', { schoolId: id }),
        ),
        status: filter.status === 'all' ? SUBMITTED : filter.status,
        offset: filter.offset,
        limit: filter.limit,
      });
      return { rows: await viewsOf(rows), total };
    },

    get,

    async approve(actor, id, input) {
      await get(actor, id);
      const { account } = await applications.approveApplication(
        id,
        { actorId: actor.accountId, username: input.username, titles: input.titles },
        audited(actor),
      );
      return { account, view: await get(actor, id) };
    },

    async reject(actor, id, reason) {
      await get(actor, id);
      await applications.rejectApplication(id, { actorId: actor.accountId, reason }, audited(actor));
      return get(actor, id);
    },
  };
}
