/** 新帳號申請 (seeds 003, 機關管理者審查): the 待審核列表, 審查詳細資訊, 接受申請 / 退回. */
import { isCountyAdmin, isSchoolAdmin } from '../../services/admin/policy.js';
import type { AdminModule } from '../modules.js';
import { mountApplicationsApi } from './api.js';
import { mountApplicationsConsole } from './routes.js';

export const applicationsModule: AdminModule = {
  id: 'applications',
  menu: {
    label: 'menu.applications',
    path: '/admin/applications',
    visible: (a) => isCountyAdmin(a) || isSchoolAdmin(a),
  },
  mountConsole: mountApplicationsConsole,
  mountApi: mountApplicationsApi,
};
