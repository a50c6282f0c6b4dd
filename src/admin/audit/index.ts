/** 稽核紀錄 (audit log): every admin operation, searchable by county admins. */
import { isCountyAdmin } from '../../services/admin/policy.js';
import type { AdminModule } from '../modules.js';
import { mountAuditApi } from './api.js';
import { mountAuditConsole } from './console.js';

export const auditModule: AdminModule = {
  id: 'audit',
  menu: { label: 'menu.audit', path: '/admin/audit', visible: isCountyAdmin },
  mountConsole(router, deps) {
    mountAuditConsole(router, deps.audit);
  },
  mountApi(api, deps) {
    mountAuditApi(api, deps.audit);
  },
};
