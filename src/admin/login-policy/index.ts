/**
 * 啟用登入機制 (issue 4): per county, which login methods an identity may use at a client and
 * which assurance it needs. County admins keep the rules; provider/policy.ts applies them.
 * The service is deps.loginPolicies.
 */
import { type Actor, isCountyAdmin } from '../../services/admin/policy.js';
import type { AdminModule } from '../modules.js';
import { mountLoginPolicyApi } from './api.js';
import { mountLoginPolicyConsole } from './console.js';

export const loginPolicyModule: AdminModule = {
  id: 'login-policy',
  menu: {
    label: 'menu.login_policy',
    path: '/admin/login-policy',
    visible: (a: Actor) => isCountyAdmin(a),
  },
  mountConsole(router, deps) {
    mountLoginPolicyConsole(router, deps.loginPolicies);
  },
  mountApi(api, deps) {
    mountLoginPolicyApi(api, deps.loginPolicies);
  },
};
