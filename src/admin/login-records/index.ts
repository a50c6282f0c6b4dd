/**
 * 登入紀錄 (login records): every login attempt within the admin's scope, for county and school
 * admins (teachers see none; see services/login-record-search.ts for who sees what), with a
 * streamed CSV export. Service: deps.loginRecordSearch (services/login-record-search.ts).
 */
import { isCountyAdmin, isSchoolAdmin } from '../../services/admin/policy.js';
import type { AdminModule } from '../modules.js';
import { mountLoginRecordsApi } from './api.js';
import { mountLoginRecordsConsole } from './console.js';

export const loginRecordsModule: AdminModule = {
  id: 'login-records',
  menu: {
    label: 'menu.login_records',
    path: '/admin/login-records',
    visible: (actor) => isCountyAdmin(actor) || isSchoolAdmin(actor),
  },
  mountConsole(router, deps) {
    mountLoginRecordsConsole(router, deps.loginRecordSearch, () => deps.loginPolicies.clients());
  },
  mountApi(api, deps) {
    mountLoginRecordsApi(api, deps.loginRecordSearch);
  },
};
