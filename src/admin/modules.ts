/**
 * The console's modules, in the seeds' menu order (權限管理 學校名稱 學籍資料 帳號管理
 * 新帳號申請 一次登入 白名單, then transfers, audit, API). A module is one folder under
 * src/admin with its console routes, its API routes and its menu entry; adding one is a line here.
 */
import type Router from '@koa/router';
import { accountsModule } from './accounts/index.js';
import type { ApiRegistry } from './api.js';
import { applicationsModule } from './applications/index.js';
import { auditModule } from './audit/index.js';
import type { MenuEntry } from './console.js';
import type { AdminDeps } from './deps.js';
import { homeModule } from './home/index.js';
import { loginPolicyModule } from './login-policy/index.js';
import { loginRecordsModule } from './login-records/index.js';
import { passOneModule } from './passone/index.js';
import { rolesModule } from './roles/index.js';
import { rosterModule } from './roster/index.js';
import { schoolsModule } from './schools/index.js';
import { servicesModule } from './services/index.js';
import { throttleModule } from './throttle/index.js';
import { transfersModule } from './transfers/index.js';
import { whitelistModule } from './whitelist/index.js';

export interface AdminModule {
  id: string;
  /** the top-menu entry, shown to actors for whom visible() is true */
  menu?: MenuEntry;
  mountConsole?(router: Router, deps: AdminDeps): void;
  mountApi?(api: ApiRegistry, deps: AdminDeps): void;
}

export const adminModules: readonly AdminModule[] = [
  homeModule,
  rolesModule,
  schoolsModule,
  rosterModule,
  accountsModule,
  applicationsModule,
  passOneModule,
  whitelistModule,
  loginPolicyModule,
  servicesModule,
  transfersModule,
  auditModule,
  throttleModule,
  loginRecordsModule,
];
