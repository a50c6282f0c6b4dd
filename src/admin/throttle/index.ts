/**
 * 登入防護 (login protection): the brute-force throttle's counters and blocks of an account or
 * an address, for county and school admins; county admins clear them. Service:
 * deps.throttleAdmin (services/throttle-admin.ts).
 */
import { type Actor, isCountyAdmin, isSchoolAdmin } from '../../services/admin/policy.js';
import type { AdminModule } from '../modules.js';
import { mountThrottleApi } from './api.js';
import { mountThrottleConsole } from './console.js';

export const throttleModule: AdminModule = {
  id: 'throttle',
  menu: {
    label: 'menu.throttle',
    path: '/admin/throttle',
    visible: (a: Actor) => isCountyAdmin(a) || isSchoolAdmin(a),
  },
  mountConsole(router, deps) {
    mountThrottleConsole(router, deps.throttleAdmin);
  },
  mountApi(api, deps) {
    mountThrottleApi(api, deps.throttleAdmin);
  },
};
