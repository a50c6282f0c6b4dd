/**
 * 學校名稱 (schools and classes): the county's schools, their classes per school year and
 * semester, and the classes' teachers. County admins keep the school records; a school's
 * admins keep its classes; both through the console (console.ts) and the API (api.ts).
 */
import { type Actor, isCountyAdmin, isSchoolAdmin } from '../../services/admin/policy.js';
import type { AdminModule } from '../modules.js';
import { mountSchoolsApi } from './api.js';
import { mountSchoolsConsole } from './console.js';

export const schoolsModule: AdminModule = {
  id: 'schools',
  menu: {
    label: 'menu.schools',
    path: '/admin/schools',
    visible: (a: Actor) => isCountyAdmin(a) || isSchoolAdmin(a),
  },
  mountConsole(router, deps) {
    const { schools, classes } = deps;
    mountSchoolsConsole(router, schools, classes);
  },
  mountApi(api, deps) {
    const { schools, classes } = deps;
    mountSchoolsApi(api, schools, classes);
  },
};
