/**
 * 學籍資料 (roster import): students from a school administration system's export become
 * accounts, through a preview the admin checks and corrects, then one transaction per class.
 * Console pages (console.ts) and the JSON API (api.ts) over the same service (service.ts).
 */
import { type Actor, isSchoolAdmin } from '../../services/admin/policy.js';
import type { AdminModule } from '../modules.js';
import { mountRosterApi } from './api.js';
import { mountRosterConsole } from './console.js';

export const rosterModule: AdminModule = {
  id: 'roster',
  menu: {
    label: 'menu.roster',
    path: '/admin/roster',
    // county admins administer every school of the county: isSchoolAdmin covers them
    visible: (a: Actor) => isSchoolAdmin(a),
  },
  mountConsole(router, deps) {
    mountRosterConsole(router, deps.roster);
  },
  mountApi(api, deps) {
    mountRosterApi(api, deps.roster);
  },
};
