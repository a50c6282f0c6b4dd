import { z } from 'zod';
import { tc } from '../../../views/admin/common.js';
import { homePage } from '../../../views/admin/home.js';
import { findOrganizationsByIds } from '../../adapters/db/organizations.js';
import { actorOf, localeOf, sendAdminPage } from '../console.js';
import type { AdminModule } from '../modules.js';

/** /admin: who is signed in, with which roles, and where to go. */
const meSchema = z.object({
  account_id: z.string(),
  username: z.string(),
  name: z.string().nullable(),
  county_ids: z.array(z.string()),
  school_ids: z.array(z.string()),
  admin_school_ids: z.array(z.string()),
  teacher_class_ids: z.array(z.string()),
});

export const homeModule: AdminModule = {
  id: 'home',
  mountApi(api) {
    api.add({
      method: 'get',
      path: '/me',
      tag: 'session',
      summary: 'The calling account and the scope it administers',
      response: meSchema,
      handler: async ({ actor }) => ({
        account_id: actor.accountId,
        username: actor.username,
        name: actor.name,
        county_ids: [...actor.countyIds],
        school_ids: [...actor.schoolIds],
        admin_school_ids: [...actor.adminSchoolIds],
        teacher_class_ids: [...actor.teacherClassIds],
      }),
    });
  },
  mountConsole(router, deps) {
    router.get('/admin', async (ctx) => {
      const actor = actorOf(ctx);
      const locale = localeOf(ctx);
      const orgs = await findOrganizationsByIds(deps.db, [...actor.countyIds, ...actor.adminSchoolIds]);
      sendAdminPage(ctx, {
        title: tc(locale, 'admin.home'),
        body: homePage(locale, {
          counties: orgs.filter((o) => o.kind === 'county').map((o) => o.name),
          schools: orgs.filter((o) => o.kind === 'school').map((o) => o.name),
          classes: actor.teacherClassIds.length,
        }),
      });
    });
  },
};
