/**
 * 權限管理 (role management): county admins grant and revoke the county-admin and
 * school-admin roles of their county; school admins see their school's admins.
 */
import { type Actor, isCountyAdmin, isSchoolAdmin } from '../../services/admin/policy.js';
import type { AdminModule } from '../modules.js';
import { mountRolesApi } from './api.js';
import { mountRolesConsole } from './console.js';

export const rolesModule: AdminModule = {
  id: 'roles',
  menu: {
    label: 'menu.roles',
    path: '/admin/roles',
    visible: (a: Actor) => isCountyAdmin(a) || isSchoolAdmin(a),
  },
  mountConsole(router, deps) {
    mountRolesConsole(router, deps.roles);
  },
  mountApi(api, deps) {
    mountRolesApi(api, deps.roles);
  },
};
