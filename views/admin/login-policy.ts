/**
 * 啟用登入機制: the login rules of a county (which methods an identity type may use at a
 * client, and which assurance it needs), a table with delete buttons and a form that creates
 * a rule or replaces the one of the same county, client and identity.
 */
import { csrfField } from '../fragments.js';
import { html, type SafeHtml } from '../html.js';
import type { Locale } from '../i18n.js';
import { formatTime } from './audit.js';
import { tc } from './common.js';
import { actionButton, dataTable, field, type Page, pagination } from './components.js';
import { adminMessage, defineMessages } from './messages.js';

export const tl = defineMessages(
  {
    'login_policy.hint':
      '依身分與應用程式設定可使用的登入方式與所需的驗證等級。較具體的規則優先：應用程式＋身分 > 應用程式 > 身分 > 全部。管理者登入管理後台一律需要通行金鑰或自然人憑證等級的驗證。',
    'login_policy.rules_heading': '登入規則',
    'login_policy.county': '縣市',
    'login_policy.client': '應用程式',
    'login_policy.identity': '身分',
    'login_policy.methods': '允許的登入方式',
    'login_policy.methods_hint': '都不勾選表示不限制登入方式。',
    'login_policy.required_acr': '所需驗證等級',
    'login_policy.updated_by': '修改者',
    'login_policy.updated_at': '修改時間',
    'login_policy.every_client': '（所有應用程式）',
    'login_policy.every_identity': '（所有身分）',
    'login_policy.every_method': '（不限）',
    'login_policy.no_acr': '（不要求）',
    'login_policy.edit_heading': '新增或修改規則',
    'login_policy.edit_hint': '同一縣市、應用程式與身分只有一條規則，儲存時會取代原有的規則。',
    'login_policy.save': '儲存規則',
    'login_policy.delete': '刪除',
    'login_policy.saved': '已儲存登入規則。',
    'login_policy.deleted': '已刪除登入規則。',
    'login_policy.identity_student': '學生',
    'login_policy.identity_teacher': '教師',
    'login_policy.identity_staff': '職員',
    'login_policy.identity_other': '其他',
    'login_policy.method_name.pass-one': '一次登入（passOne）',
    'login_policy.method_name.password': '密碼',
    'login_policy.method_name.passkey': '通行金鑰',
    'login_policy.method_name.fido': '行動自然人憑證',
    'login_policy.method_name.certificate': '自然人憑證',
    'login_policy.acr_name.urn:edu-idp:acr:pass-one': '一次登入碼',
    'login_policy.acr_name.urn:edu-idp:acr:password': '密碼',
    'login_policy.acr_name.urn:edu-idp:acr:passkey': '通行金鑰以上',
    'login_policy.acr_name.urn:edu-idp:acr:certificate': '自然人憑證',
    'login_policy.county_invalid': '請選擇縣市。',
    'login_policy.client_invalid': '請從清單選擇已註冊的應用程式。',
    'login_policy.identity_invalid': '請從清單選擇身分。',
    'login_policy.method_invalid': '登入方式不正確。',
    'login_policy.acr_invalid': '驗證等級不正確。',
    'login_policy.empty_rule': '請至少勾選一種登入方式或選擇所需驗證等級；若要取消限制，請刪除規則。',
  },
  {
    'login_policy.hint':
      'Which sign-in methods an identity may use at an application, and which assurance it needs. The most specific rule wins: application + identity > application > identity > all. Administrators always need a passkey or certificate level to enter the admin console.',
    'login_policy.rules_heading': 'Sign-in rules',
    'login_policy.county': 'County',
    'login_policy.client': 'Application',
    'login_policy.identity': 'Identity',
    'login_policy.methods': 'Allowed methods',
    'login_policy.methods_hint': 'Check none to allow every method.',
    'login_policy.required_acr': 'Required assurance',
    'login_policy.updated_by': 'Changed by',
    'login_policy.updated_at': 'Changed at',
    'login_policy.every_client': '(every application)',
    'login_policy.every_identity': '(every identity)',
    'login_policy.every_method': '(any)',
    'login_policy.no_acr': '(none)',
    'login_policy.edit_heading': 'Add or change a rule',
    'login_policy.edit_hint':
      'There is one rule per county, application and identity: saving replaces the one there is.',
    'login_policy.save': 'Save rule',
    'login_policy.delete': 'Delete',
    'login_policy.saved': 'Sign-in rule saved.',
    'login_policy.deleted': 'Sign-in rule deleted.',
    'login_policy.identity_student': 'Student',
    'login_policy.identity_teacher': 'Teacher',
    'login_policy.identity_staff': 'Staff',
    'login_policy.identity_other': 'Other',
    'login_policy.method_name.pass-one': 'passOne code',
    'login_policy.method_name.password': 'Password',
    'login_policy.method_name.passkey': 'Passkey',
    'login_policy.method_name.fido': 'Mobile Citizen Digital Certificate',
    'login_policy.method_name.certificate': 'Citizen Digital Certificate',
    'login_policy.acr_name.urn:edu-idp:acr:pass-one': 'One-time code',
    'login_policy.acr_name.urn:edu-idp:acr:password': 'Password',
    'login_policy.acr_name.urn:edu-idp:acr:passkey': 'Passkey or stronger',
    'login_policy.acr_name.urn:edu-idp:acr:certificate': 'Citizen Digital Certificate',
    'login_policy.county_invalid': 'Choose a county.',
    'login_policy.client_invalid': 'Choose a registered application from the list.',
    'login_policy.identity_invalid': 'Choose an identity from the list.',
    'login_policy.method_invalid': 'Unknown sign-in method.',
    'login_policy.acr_invalid': 'Unknown assurance level.',
    'login_policy.empty_rule':
      'Check at least one method or choose a required assurance; to lift a restriction, delete the rule.',
  },
);

export interface RuleRow {
  id: string;
  countyName: string;
  clientId: string | null;
  identityType: string | null;
  allowedMethods: string[];
  requiredAcr: string | null;
  updatedByUsername: string | null;
  updatedAt: Date;
}

export interface RuleFormValues {
  county_id?: string;
  client_id?: string;
  identity_type?: string;
  methods?: string[];
  required_acr?: string;
}

const label = (locale: Locale, key: string) => adminMessage(locale, key);

const FIELD_OF: Record<string, string> = {
  'login_policy.county_invalid': 'county_id',
  'login_policy.client_invalid': 'client_id',
  'login_policy.identity_invalid': 'identity_type',
  'login_policy.acr_invalid': 'required_acr',
};

export function loginPolicyPage(
  locale: Locale,
  p: {
    csrf: string;
    rows: RuleRow[];
    page: Page;
    query: Record<string, unknown>;
    counties: Array<{ id: string; name: string }>;
    clients: Array<{ clientId: string; name: string }>;
    identityTypes: readonly string[];
    methods: readonly string[];
    acrValues: readonly string[];
    form: { values: RuleFormValues; error?: string | undefined };
  },
): SafeHtml {
  const clientName = (id: string | null) =>
    id === null
      ? tl(locale, 'login_policy.every_client')
      : `${p.clients.find((c) => c.clientId === id)?.name ?? id} (${id})`;
  const table = dataTable(locale, {
    id: 'login-rules',
    columns: [
      ...(p.counties.length > 1 ? [{ label: tl(locale, 'login_policy.county') }] : []),
      { label: tl(locale, 'login_policy.client') },
      { label: tl(locale, 'login_policy.identity') },
      { label: tl(locale, 'login_policy.methods') },
      { label: tl(locale, 'login_policy.required_acr') },
      { label: tl(locale, 'login_policy.updated_by') },
      { label: tl(locale, 'login_policy.updated_at') },
      { label: tc(locale, 'table.actions') },
    ],
    rows: p.rows.map((r) => [
      ...(p.counties.length > 1 ? [r.countyName] : []),
      clientName(r.clientId),
      r.identityType
        ? label(locale, `login_policy.identity_${r.identityType}`)
        : tl(locale, 'login_policy.every_identity'),
      r.allowedMethods.length
        ? r.allowedMethods.map((m) => label(locale, `login_policy.method_name.${m}`)).join('、')
        : tl(locale, 'login_policy.every_method'),
      r.requiredAcr
        ? label(locale, `login_policy.acr_name.${r.requiredAcr}`)
        : tl(locale, 'login_policy.no_acr'),
      r.updatedByUsername,
      formatTime(r.updatedAt),
      actionButton(p.csrf, {
        action: `/admin/login-policy/${r.id}/delete`,
        label: tl(locale, 'login_policy.delete'),
        danger: true,
      }),
    ]),
  });
  const v = p.form.values;
  const error = p.form.error;
  const errorOf = (name: string) => (error && FIELD_OF[error] === name ? error : undefined);
  const checked = new Set(v.methods ?? []);
  const methodBoxes = html`<fieldset class="field field--checkboxes" id="field-methods"${error === 'login_policy.method_invalid' || error === 'login_policy.empty_rule' ? html` aria-invalid="true"` : null}>
<legend>${tl(locale, 'login_policy.methods')}</legend>
<p class="field__hint">${tl(locale, 'login_policy.methods_hint')}</p>
${p.methods.map(
  (m) =>
    html`<div class="field--checkbox"><input id="method-${m}" name="methods" type="checkbox" value="${m}"${checked.has(m) && html` checked`}> <label for="method-${m}">${label(locale, `login_policy.method_name.${m}`)}</label></div>`,
)}
</fieldset>`;
  return html`<p class="admin-panel__hint">${tl(locale, 'login_policy.hint')}</p>
<h2 id="rules-heading">${tl(locale, 'login_policy.rules_heading')}</h2>
${table}
${pagination(locale, p.page, '/admin/login-policy', p.query)}
<section aria-labelledby="rule-edit">
<h2 id="rule-edit">${tl(locale, 'login_policy.edit_heading')}</h2>
<p class="admin-panel__hint">${tl(locale, 'login_policy.edit_hint')}</p>
${error ? html`<div class="alert alert--error" role="alert" id="form-error"><p class="alert__text">${adminMessage(locale, error)}</p></div>` : null}
<form class="admin-form" method="post" action="/admin/login-policy">${csrfField(p.csrf)}
${field(locale, {
  name: 'county_id',
  label: tl(locale, 'login_policy.county'),
  required: true,
  value: v.county_id ?? (p.counties.length === 1 ? p.counties[0]?.id : undefined),
  options: p.counties.map((c) => ({ value: c.id, label: c.name })),
  error: errorOf('county_id'),
})}
${field(locale, {
  name: 'client_id',
  label: tl(locale, 'login_policy.client'),
  value: v.client_id,
  options: p.clients.map((c) => ({ value: c.clientId, label: `${c.name} (${c.clientId})` })),
  hint: tl(locale, 'login_policy.every_client'),
  error: errorOf('client_id'),
})}
${field(locale, {
  name: 'identity_type',
  label: tl(locale, 'login_policy.identity'),
  value: v.identity_type,
  options: p.identityTypes.map((i) => ({ value: i, label: label(locale, `login_policy.identity_${i}`) })),
  hint: tl(locale, 'login_policy.every_identity'),
  error: errorOf('identity_type'),
})}
${methodBoxes}
${field(locale, {
  name: 'required_acr',
  label: tl(locale, 'login_policy.required_acr'),
  value: v.required_acr,
  options: p.acrValues.map((a) => ({ value: a, label: label(locale, `login_policy.acr_name.${a}`) })),
  hint: tl(locale, 'login_policy.no_acr'),
  error: errorOf('required_acr'),
})}
<div class="admin-form__actions"><button type="submit" class="button">${tl(locale, 'login_policy.save')}</button></div>
</form>
</section>`;
}
