/**
 * 服務管理 (issue 5): the services users activate in the portal. County admins keep the
 * county-wide services; a school's admins keep the school's own. The service is
 * deps.serviceCatalog; the policy action is service.manage.
 */
import { type Actor, isCountyAdmin, isSchoolAdmin } from '../../services/admin/policy.js';
import type { AdminModule } from '../modules.js';
import { mountServicesApi } from './api.js';
import { mountServicesConsole } from './console.js';

export const servicesModule: AdminModule = {
  id: 'services',
  menu: {
    label: 'menu.services',
    path: '/admin/services',
    visible: (a: Actor) => isCountyAdmin(a) || isSchoolAdmin(a),
  },
  mountConsole(router, deps) {
    mountServicesConsole(router, deps.serviceCatalog);
  },
  mountApi(api, deps) {
    mountServicesApi(api, deps.serviceCatalog);
  },
};
