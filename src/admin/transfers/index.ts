/** 學校異動 (school transfers, the seeds' 問題三): console pages and admin API routes. */
import { isCountyAdmin, isSchoolAdmin } from '../../services/admin/policy.js';
import type { AdminModule } from '../modules.js';
import { mountTransferApi } from './api.js';
import { mountTransferConsole } from './routes.js';

export const transfersModule: AdminModule = {
  id: 'transfers',
  menu: {
    label: 'menu.transfers',
    path: '/admin/transfers',
    visible: (a) => isCountyAdmin(a) || isSchoolAdmin(a),
  },
  mountConsole: mountTransferConsole,
  mountApi: mountTransferApi,
};
