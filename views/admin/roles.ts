/**
 * 權限管理: the role assignments an admin may see (county admins of the county, school
 * admins of its schools), with a grant form and revoke buttons for those the admin manages.
 */
import { html, type SafeHtml } from '../html.js';
import type { Locale } from '../i18n.js';
import { formatTime } from './audit.js';
import { tc } from './common.js';
import {
  actionButton,
  dataTable,
  field,
  filterBar,
  formError,
  type Page,
  pagination,
  postForm,
} from './components.js';
import { defineMessages } from './messages.js';

export const tr = defineMessages(
  {
    'roles.username': '帳號',
    'roles.name': '姓名',
    'roles.role': '角色',
    'roles.org': '單位',
    'roles.granted_by': '授權者',
    'roles.granted_at': '授權時間',
    'roles.revoke': '撤銷',
    'roles.grant': '授予權限',
    'roles.grant_submit': '授予',
    'roles.username_hint': '要授予權限的帳號（本縣市的帳號）。',
    'roles.org_hint': '縣市管理者選擇縣市；學校管理者選擇學校。',
    'roles.granted': '已授予 {username} {role}權限。',
    'roles.revoked': '已撤銷 {username} 的{role}權限。',
    'roles.read_only': '學校管理者由縣市管理者指派；此處僅供檢視。',
    'roles.county_prefix': '縣市：{name}',
    'role.role_invalid': '請選擇角色（縣市管理者或學校管理者）。',
    'role.org_invalid': '請選擇單位：縣市管理者須選縣市，學校管理者須選學校。',
    'role.account_not_found': '找不到此帳號，或它不屬於您管理的單位。',
    'role.exists': '此帳號已經有這個權限。',
    'role.last_county_admin': '您不能撤銷自己唯一的縣市管理者權限；請由其他縣市管理者處理。',
  },
  {
    'roles.username': 'Username',
    'roles.name': 'Name',
    'roles.role': 'Role',
    'roles.org': 'Organisation',
    'roles.granted_by': 'Granted by',
    'roles.granted_at': 'Granted at',
    'roles.revoke': 'Revoke',
    'roles.grant': 'Grant a role',
    'roles.grant_submit': 'Grant',
    'roles.username_hint': 'The account to grant the role to (an account of your county).',
    'roles.org_hint': 'A county for a county administrator, a school for a school administrator.',
    'roles.granted': '{username} is now {role}.',
    'roles.revoked': '{username} is no longer {role}.',
    'roles.read_only': 'School administrators are appointed by the county; this list is read-only.',
    'roles.county_prefix': 'County: {name}',
    'role.role_invalid': 'Choose a role (county or school administrator).',
    'role.org_invalid':
      'Choose the organisation: a county for a county administrator, a school for a school administrator.',
    'role.account_not_found': 'No such account, or it is not one of the organisations you administer.',
    'role.exists': 'This account already has this role.',
    'role.last_county_admin':
      'You cannot revoke your own last county administrator role; ask another county administrator.',
  },
);

export const roleLabel = (locale: Locale, role: string) =>
  role === 'county_admin' ? tc(locale, 'role.county_admin') : tc(locale, 'role.school_admin');

export interface RoleRow {
  id: string;
  username: string;
  name: string | null;
  role: string;
  orgCode: string;
  orgName: string;
  grantedByUsername: string | null;
  createdAt: Date;
  canRevoke: boolean;
}

export interface OrgOption {
  id: string;
  kind: 'county' | 'school';
  code: string;
  name: string;
}

const orgLabel = (locale: Locale, o: OrgOption) =>
  o.kind === 'county' ? tr(locale, 'roles.county_prefix', { name: o.name }) : `${o.code} ${o.name}`;

const ROLE_FIELDS: Record<string, string> = {
  'role.role_invalid': 'role',
  'role.org_invalid': 'org_id',
  'role.account_not_found': 'username',
  'role.exists': 'username',
};

export function rolesPage(
  locale: Locale,
  p: {
    csrf: string;
    rows: RoleRow[];
    page: Page;
    query: Record<string, unknown>;
    filter: { role?: string | undefined; org_id?: string | undefined; username?: string | undefined };
    /** organisations in the filter */
    orgs: OrgOption[];
    /** organisations the actor may grant roles at; empty: read-only */
    grantable: OrgOption[];
    grantForm: { values: { username?: string; role?: string; org_id?: string }; error?: string | undefined };
    revokeError?: string | undefined;
  },
): SafeHtml {
  const roleOptions = [
    { value: 'county_admin', label: tc(locale, 'role.county_admin') },
    { value: 'school_admin', label: tc(locale, 'role.school_admin') },
  ];
  const anyRevocable = p.rows.some((r) => r.canRevoke);
  const table = dataTable(locale, {
    id: 'roles',
    columns: [
      { label: tr(locale, 'roles.username') },
      { label: tr(locale, 'roles.name') },
      { label: tr(locale, 'roles.role') },
      { label: tr(locale, 'roles.org') },
      { label: tr(locale, 'roles.granted_by') },
      { label: tr(locale, 'roles.granted_at') },
      ...(anyRevocable ? [{ label: tc(locale, 'table.actions') }] : []),
    ],
    rows: p.rows.map((r) => [
      r.username,
      r.name,
      html`<span class="badge${r.role === 'county_admin' ? ' badge--warn' : ''}">${roleLabel(locale, r.role)}</span>`,
      `${r.orgCode} ${r.orgName}`,
      r.grantedByUsername,
      formatTime(r.createdAt),
      ...(anyRevocable
        ? [
            r.canRevoke
              ? actionButton(p.csrf, {
                  action: `/admin/roles/${r.id}/revoke`,
                  label: tr(locale, 'roles.revoke'),
                  danger: true,
                })
              : '',
          ]
        : []),
    ]),
  });
  const error = p.grantForm.error;
  const grant =
    p.grantable.length > 0
      ? html`<section aria-labelledby="role-grant">
<h2 id="role-grant">${tr(locale, 'roles.grant')}</h2>
${formError(locale, error)}
${postForm(p.csrf, {
  action: '/admin/roles',
  submit: tr(locale, 'roles.grant_submit'),
  body: [
    field(locale, {
      name: 'username',
      label: tr(locale, 'roles.username'),
      required: true,
      value: p.grantForm.values.username,
      hint: tr(locale, 'roles.username_hint'),
      autocomplete: 'off',
      error: error && ROLE_FIELDS[error] === 'username' ? error : undefined,
    }),
    field(locale, {
      name: 'role',
      label: tr(locale, 'roles.role'),
      required: true,
      value: p.grantForm.values.role,
      options: roleOptions,
      error: error && ROLE_FIELDS[error] === 'role' ? error : undefined,
    }),
    field(locale, {
      name: 'org_id',
      label: tr(locale, 'roles.org'),
      required: true,
      value: p.grantForm.values.org_id,
      options: p.grantable.map((o) => ({ value: o.id, label: orgLabel(locale, o) })),
      hint: tr(locale, 'roles.org_hint'),
      error: error && ROLE_FIELDS[error] === 'org_id' ? error : undefined,
    }),
  ],
})}
</section>`
      : html`${formError(locale, error)}<p class="admin-panel__hint">${tr(locale, 'roles.read_only')}</p>`;
  return html`${formError(locale, p.revokeError)}
${filterBar(locale, {
  action: '/admin/roles',
  fields: [
    { name: 'role', label: tr(locale, 'roles.role'), value: p.filter.role, options: roleOptions },
    {
      name: 'org_id',
      label: tr(locale, 'roles.org'),
      value: p.filter.org_id,
      options: p.orgs.map((o) => ({ value: o.id, label: orgLabel(locale, o) })),
    },
    { name: 'username', label: tr(locale, 'roles.username'), value: p.filter.username },
  ],
})}
${table}
${pagination(locale, p.page, '/admin/roles', p.query)}
${grant}`;
}
