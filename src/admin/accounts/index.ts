/** 帳號管理 (account management): console pages and admin API routes. */
import { isCountyAdmin, isSchoolAdmin, isTeacher } from '../../services/admin/policy.js';
import type { AdminModule } from '../modules.js';
import { mountAccountApi } from './api.js';
import { mountAccountConsole } from './routes.js';

export const accountsModule: AdminModule = {
  id: 'accounts',
  menu: {
    label: 'menu.accounts',
    path: '/admin/accounts',
    // teachers see the students of their own classes
    visible: (a) => isCountyAdmin(a) || isSchoolAdmin(a) || isTeacher(a),
  },
  mountConsole: mountAccountConsole,
  mountApi: mountAccountApi,
};
