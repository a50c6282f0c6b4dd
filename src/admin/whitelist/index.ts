/**
 * 白名單 (whitelist): address ranges per county and school on top of the TANet defaults,
 * for passOne and (ADMIN_IP_RESTRICT) the admin console. The service is deps.whitelist.
 */
import { type Actor, isCountyAdmin, isSchoolAdmin } from '../../services/admin/policy.js';
import type { AdminModule } from '../modules.js';
import { mountWhitelistApi } from './api.js';
import { mountWhitelistConsole } from './console.js';

export const whitelistModule: AdminModule = {
  id: 'whitelist',
  menu: {
    label: 'menu.whitelist',
    path: '/admin/whitelist',
    visible: (a: Actor) => isCountyAdmin(a) || isSchoolAdmin(a),
  },
  mountConsole(router, deps) {
    mountWhitelistConsole(router, deps.whitelist);
  },
  mountApi(api, deps) {
    mountWhitelistApi(api, deps.whitelist);
  },
};
