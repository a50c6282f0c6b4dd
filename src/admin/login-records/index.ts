/**
 * 登入紀錄 (login records): every login attempt within the admin's scope, for county and school
 * admins (teachers see none; see services/login-record-search.ts for who sees what), with a
 * streamed CSV export. Service: createLoginRecordSearch (stateless, built here from db+audit).
 */
import { isCountyAdmin, isSchoolAdmin } from '../../services/admin/policy.js';
import { createLoginRecordSearch, type LoginRecordSearch } from '../../services/login-record-search.js';
import type { AdminDeps } from '../deps.js';
import type { AdminModule } from '../modules.js';
import { mountLoginRecordsApi } from './api.js';
import { mountLoginRecordsConsole } from './console.js';

const built = new WeakMap<AdminDeps, LoginRecordSearch>();
function searchOf(deps: AdminDeps): LoginRecordSearch {
  let s = built.get(deps);
  if (!s) {
    s = createLoginRecordSearch(deps.db, deps.audit);
    built.set(deps, s);
  }
  return s;
}

export const loginRecordsModule: AdminModule = {
  id: 'login-records',
  menu: {
    label: 'menu.login_records',
    path: '/admin/login-records',
    visible: (actor) => isCountyAdmin(actor) || isSchoolAdmin(actor),
  },
  mountConsole(router, deps) {
    mountLoginRecordsConsole(router, searchOf(deps), () => deps.loginPolicies.clients());
  },
  mountApi(api, deps) {
    mountLoginRecordsApi(api, searchOf(deps));
  },
};
