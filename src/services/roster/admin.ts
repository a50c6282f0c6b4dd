/**
 * 學籍資料 for the console and the API: the roster import (services/roster/import.ts) behind
 * the policy, with its audit entries and its result page.
 *
 *   preview    roster.import on the chosen school; the preview is bound to the uploader
 *   get / correct / apply
 *              the uploader's own preview only (another admin's is reported as absent), and
 *              only while the uploader still administers its school
 *   apply      one audit entry per class, written by the domain's hook inside the class's
 *              transaction: a class is never written without its entry. The result is kept
 *              (one hour, uploader-bound) so the printable page survives a reload; a fully
 *              applied preview is discarded so it cannot be applied twice by accident.
 */
import { findOrganizationsByIds, type Organization } from '../../adapters/db/organizations.js';
import type { Db } from '../../adapters/db.js';
import type { Payload, PayloadStore } from '../../adapters/oidc/payload-store.js';
import { isAppError } from '../../errors.js';
import { type Actor, authorize, authorizeVisible } from '../admin/policy.js';
import type { AuditLog } from '../audit.js';
import {
  PREVIEW_TTL_SECONDS,
  type RosterApplyResult,
  type RosterCorrection,
  type RosterPreview,
  type RosterService,
  type RosterTarget,
} from './import.js';

const RESULT_MODEL = 'RosterResult';

export interface RosterUpload {
  file: Buffer;
  filename?: string | undefined;
  contentType?: string | undefined;
  target: RosterTarget;
}

export interface RosterAdmin {
  /** The schools the actor may import into, by name. */
  schools(actor: Actor): Promise<Organization[]>;
  /** @throws admin.forbidden (not the actor's school), the domain's roster.* file and target codes */
  preview(actor: Actor, upload: RosterUpload): Promise<RosterPreview>;
  /** @throws roster.preview_not_found, admin.not_found */
  get(actor: Actor, previewId: string): Promise<RosterPreview>;
  /** The typed national IDs of the rows to correct, for the uploader's correction form. */
  typedNationalIds(actor: Actor, previewId: string): Promise<Map<number, string>>;
  /** @throws roster.preview_not_found, admin.not_found, roster.invalid_correction */
  correct(actor: Actor, previewId: string, corrections: readonly RosterCorrection[]): Promise<RosterPreview>;
  /** @throws roster.preview_not_found, admin.not_found, roster.has_blocking_rows */
  apply(actor: Actor, previewId: string, options: { skipInvalid: boolean }): Promise<RosterApplyResult>;
  /** The last apply of this preview by this actor, while it is kept; else undefined. */
  result(actor: Actor, previewId: string): Promise<RosterApplyResult | undefined>;
}

interface StoredResult {
  uploaderId: string;
  result: RosterApplyResult;
}

export function createRosterAdmin(deps: {
  db: Db;
  audit: AuditLog;
  store: PayloadStore;
  roster: RosterService;
}): RosterAdmin {
  const { db, audit, store, roster } = deps;

  /** The uploader's preview, while the uploader may still import into its school. */
  async function own(actor: Actor, previewId: string): Promise<RosterPreview> {
    const preview = await roster.get(previewId, actor.accountId);
    authorizeVisible(actor, 'roster.import', { schoolId: preview.target.schoolId });
    return preview;
  }

  async function findResult(actor: Actor, previewId: string): Promise<RosterApplyResult | undefined> {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(previewId)) return undefined;
    const stored = (await store.find(RESULT_MODEL, previewId)) as unknown as StoredResult | undefined;
    if (!stored || stored.uploaderId !== actor.accountId) return undefined;
    const schoolId = stored.result.target.schoolId;
    return actor.schoolIds.includes(schoolId) ? stored.result : undefined;
  }

  return {
    async schools(actor) {
      const orgs = await findOrganizationsByIds(db, actor.schoolIds);
      return orgs
        .filter((o) => o.kind === 'school')
        .sort((a, b) => a.code.localeCompare(b.code) || a.name.localeCompare(b.name, 'zh-TW'));
    },

    async preview(actor, upload) {
      authorize(actor, 'roster.import', { schoolId: upload.target.schoolId });
      return roster.preview({ ...upload, uploaderId: actor.accountId });
    },

    get: own,

    async typedNationalIds(actor, previewId) {
      await own(actor, previewId);
      return roster.typedNationalIds(previewId, actor.accountId);
    },

    async correct(actor, previewId, corrections) {
      await own(actor, previewId);
      return roster.correct(previewId, actor.accountId, corrections);
    },

    async apply(actor, previewId, { skipInvalid }) {
      const preview = await own(actor, previewId);
      const result = await roster.apply(previewId, actor.accountId, {
        skipInvalid,
        onClassApplied: (trx, c) =>
          audit.record(trx, actor, {
            action: 'roster.import',
            targetType: 'school_class',
            targetId: c.classId,
            orgId: preview.school.id,
            after: {
              school_year: preview.target.schoolYear,
              semester: preview.target.semester,
              grade: c.grade,
              class_no: c.classNo,
              title: c.title,
              filename: preview.filename,
              created: c.created.length,
              updated: c.updated.length,
              unchanged: c.unchanged.length,
              usernames: c.created.map((s) => s.username),
              updated_usernames: c.updated.map((s) => s.username),
            },
          }),
      });
      const stored: StoredResult = { uploaderId: actor.accountId, result };
      await store.upsert(RESULT_MODEL, previewId, stored as unknown as Payload, PREVIEW_TTL_SECONDS);
      if (result.totals.failedClasses === 0) {
        // written in full: applying it again would only count everyone as unchanged
        await roster.discard(previewId, actor.accountId).catch((err: unknown) => {
          if (!isAppError(err)) throw err;
        });
      }
      return result;
    },

    result: findResult,
  };
}
