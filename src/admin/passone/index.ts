/**
 * 一次登入 (passOne): teachers and school admins issue one-time pass codes for students who
 * forgot their password. The service is deps.passOne (services/pass-one.ts).
 */
import { type Actor, isCountyAdmin, isSchoolAdmin, isTeacher } from '../../services/admin/policy.js';
import type { AdminModule } from '../modules.js';
import { mountPassOneApi } from './api.js';
import { mountPassOneConsole } from './console.js';

export const passOneModule: AdminModule = {
  id: 'passone',
  menu: {
    label: 'menu.passone',
    path: '/admin/passone',
    visible: (a: Actor) => isCountyAdmin(a) || isSchoolAdmin(a) || isTeacher(a),
  },
  mountConsole(router, deps) {
    mountPassOneConsole(router, deps.passOne, deps.config.issuer);
  },
  mountApi(api, deps) {
    mountPassOneApi(api, deps.passOne);
  },
};
