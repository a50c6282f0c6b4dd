/**
 * 服務管理: the services users activate in the portal (TANet roaming, Google Workspace,
 * ownCloud, …). A list with edit and delete, and one form for new and edited services: names
 * and descriptions in both languages, icon, the RP client behind it, the GO link, who may use
 * it (identity types, schools), whether it must be activated before its client's login, and
 * who manages it (county-wide or a school's own).
 */
import { csrfField } from '../fragments.js';
import { html, type SafeHtml } from '../html.js';
import type { Locale } from '../i18n.js';
import { serviceIcon, serviceName } from '../service-card.js';
import { tc } from './common.js';
import { actionButton, dataTable, field, link, type Page, pagination } from './components.js';
import { adminMessage, defineMessages } from './messages.js';

export const tsa = defineMessages(
  {
    'services.hint':
      '使用者在個人服務頁看到可使用的服務：未啟用時顯示【啟用】，已啟用時顯示【GO】。綁定應用程式並勾選「需先啟用」後，使用者須先啟用服務才能登入該應用程式；停用服務會撤銷該應用程式的授權與權杖。',
    'services.new': '新增服務',
    'services.edit': '編輯服務',
    'services.name': '服務名稱',
    'services.name_zh': '服務名稱（中文）',
    'services.name_en': '服務名稱（英文）',
    'services.description_zh': '說明（中文）',
    'services.description_en': '說明（英文）',
    'services.icon': '圖示',
    'services.icon.wifi': '無線網路',
    'services.icon.google': 'Google',
    'services.icon.cloud': '雲端硬碟',
    'services.icon.app': '應用程式',
    'services.client': '綁定的應用程式',
    'services.client_hint': '不選表示尚未綁定；登入限制只對綁定的應用程式有效。',
    'services.no_client': '（未綁定）',
    'services.go_url': 'GO 連結網址',
    'services.identities': '可使用的身分',
    'services.identities_hint': '都不勾選表示所有身分。',
    'services.schools': '限定學校',
    'services.schools_hint': '都不勾選表示不限學校。學校自有的服務只開放給該校。',
    'services.everyone': '（全部）',
    'services.activation_required': '需先啟用才能登入該應用程式',
    'services.activation': '需先啟用',
    'services.enabled': '開放使用',
    'services.enabled_hint': '不開放時，服務不會出現在個人服務頁，也無法啟用。',
    'services.sort_order': '排序',
    'services.sort_order_hint': '數字小的排在前面。',
    'services.owner': '管理單位',
    'services.owner_county_wide': '全縣市共用',
    'services.yes': '是',
    'services.no': '否',
    'services.save': '儲存',
    'services.cancel': '取消',
    'services.delete': '刪除',
    'services.created': '已新增服務「{name}」。',
    'services.updated': '已儲存服務「{name}」。',
    'services.deleted': '已刪除服務「{name}」。',
    'services.identity.student': '學生',
    'services.identity.teacher': '教師',
    'services.identity.staff': '職員',
    'services.identity.other': '其他',
  },
  {
    'services.hint':
      'Users see the services they may use on their Services page: Activate when not active, GO when active. With a bound application and “activation required”, users must activate the service before they can sign in to that application; deactivating revokes that application’s consents and tokens.',
    'services.new': 'New service',
    'services.edit': 'Edit service',
    'services.name': 'Service',
    'services.name_zh': 'Name (Chinese)',
    'services.name_en': 'Name (English)',
    'services.description_zh': 'Description (Chinese)',
    'services.description_en': 'Description (English)',
    'services.icon': 'Icon',
    'services.icon.wifi': 'Wireless network',
    'services.icon.google': 'Google',
    'services.icon.cloud': 'Cloud drive',
    'services.icon.app': 'Application',
    'services.client': 'Bound application',
    'services.client_hint': 'None: not bound yet; the sign-in gate applies to a bound application only.',
    'services.no_client': '(not bound)',
    'services.go_url': 'GO link',
    'services.identities': 'Identities that may use it',
    'services.identities_hint': 'Check none for every identity.',
    'services.schools': 'Restricted to schools',
    'services.schools_hint': 'Check none for every school. A school’s own service is for that school only.',
    'services.everyone': '(all)',
    'services.activation_required': 'Must be activated before signing in to the application',
    'services.activation': 'Activation required',
    'services.enabled': 'Available',
    'services.enabled_hint':
      'When not available, the service is hidden from the Services page and cannot be activated.',
    'services.sort_order': 'Order',
    'services.sort_order_hint': 'Smaller numbers come first.',
    'services.owner': 'Managed by',
    'services.owner_county_wide': 'County-wide',
    'services.yes': 'Yes',
    'services.no': 'No',
    'services.save': 'Save',
    'services.cancel': 'Cancel',
    'services.delete': 'Delete',
    'services.created': 'Service “{name}” added.',
    'services.updated': 'Service “{name}” saved.',
    'services.deleted': 'Service “{name}” deleted.',
    'services.identity.student': 'Student',
    'services.identity.teacher': 'Teacher',
    'services.identity.staff': 'Staff',
    'services.identity.other': 'Other',
  },
);

export interface ServiceRow {
  id: string;
  nameZh: string;
  nameEn: string;
  icon: string;
  clientId: string | null;
  identityTypes: string[];
  schoolIds: string[];
  activationRequired: boolean;
  enabled: boolean;
  ownerOrgId: string | null;
}

export interface ServiceFormValues {
  name_zh?: string | undefined;
  name_en?: string | undefined;
  icon?: string | undefined;
  description_zh?: string | undefined;
  description_en?: string | undefined;
  client_id?: string | undefined;
  go_url?: string | undefined;
  identity_types?: string[] | undefined;
  school_ids?: string[] | undefined;
  activation_required?: boolean | undefined;
  enabled?: boolean | undefined;
  sort_order?: string | undefined;
  owner_org_id?: string | undefined;
}

export interface NamedOrg {
  id: string;
  name: string;
}

const yesNo = (locale: Locale, v: boolean) => tsa(locale, v ? 'services.yes' : 'services.no');

export function servicesListPage(
  locale: Locale,
  p: {
    csrf: string;
    rows: ServiceRow[];
    page: Page;
    query: Record<string, unknown>;
    orgNames: ReadonlyMap<string, string>;
    clientNames: ReadonlyMap<string, string>;
  },
): SafeHtml {
  const orgName = (id: string) => p.orgNames.get(id) ?? id;
  const table = dataTable(locale, {
    id: 'services',
    columns: [
      { label: tsa(locale, 'services.name') },
      { label: tsa(locale, 'services.owner') },
      { label: tsa(locale, 'services.client') },
      { label: tsa(locale, 'services.identities') },
      { label: tsa(locale, 'services.schools') },
      { label: tsa(locale, 'services.activation') },
      { label: tsa(locale, 'services.enabled') },
      { label: tc(locale, 'table.actions') },
    ],
    rows: p.rows.map((r) => [
      html`<span class="service-name">${serviceIcon(r.icon)} ${link(`/admin/services/${r.id}/edit`, serviceName(locale, { ...r, descriptionZh: '', descriptionEn: '' }))}</span>`,
      r.ownerOrgId ? orgName(r.ownerOrgId) : tsa(locale, 'services.owner_county_wide'),
      r.clientId
        ? `${p.clientNames.get(r.clientId) ?? r.clientId} (${r.clientId})`
        : tsa(locale, 'services.no_client'),
      r.identityTypes.length
        ? r.identityTypes.map((i) => adminMessage(locale, `services.identity.${i}`)).join('、')
        : tsa(locale, 'services.everyone'),
      r.schoolIds.length ? r.schoolIds.map(orgName).join('、') : tsa(locale, 'services.everyone'),
      yesNo(locale, r.activationRequired),
      yesNo(locale, r.enabled),
      actionButton(p.csrf, {
        action: `/admin/services/${r.id}/delete`,
        label: tsa(locale, 'services.delete'),
        danger: true,
      }),
    ]),
  });
  return html`<p class="admin-panel__hint">${tsa(locale, 'services.hint')}</p>
<p><a class="button" href="/admin/services/new">${tsa(locale, 'services.new')}</a></p>
${table}
${pagination(locale, p.page, '/admin/services', p.query)}`;
}

const FIELD_OF: Record<string, string> = {
  'service.name_required': 'name_zh',
  'service.icon_invalid': 'icon',
  'service.client_invalid': 'client_id',
  'service.client_taken': 'client_id',
  'service.go_url_invalid': 'go_url',
  'service.owner_invalid': 'owner_org_id',
  'service.sort_order_invalid': 'sort_order',
};

/** The owner select: its first choice, county-wide, is the empty value (not a blank option). */
function ownerSelect(
  locale: Locale,
  options: Array<{ value: string; label: string }>,
  value: string,
  error: string | undefined,
): SafeHtml {
  return html`<div class="field${error ? ' field--invalid' : ''}"><label for="field-owner_org_id">${tsa(locale, 'services.owner')}</label><select id="field-owner_org_id" name="owner_org_id"${error && html` aria-invalid="true" aria-describedby="field-owner_org_id-error"`}>${options.map(
    (o) => html`<option value="${o.value}"${o.value === value && html` selected`}>${o.label}</option>`,
  )}</select>${error && html`<p class="field__error" id="field-owner_org_id-error">${adminMessage(locale, error)}</p>`}</div>`;
}

function checkboxes(
  p: { name: string; legend: string; hint: string; invalid: boolean },
  options: Array<{ value: string; label: string }>,
  checked: readonly string[],
): SafeHtml {
  return html`<fieldset class="field field--checkboxes" id="field-${p.name}"${p.invalid && html` aria-invalid="true"`}>
<legend>${p.legend}</legend>
<p class="field__hint">${p.hint}</p>
${options.map(
  (o) =>
    html`<div class="field--checkbox"><input id="${p.name}-${o.value}" name="${p.name}" type="checkbox" value="${o.value}"${checked.includes(o.value) && html` checked`}> <label for="${p.name}-${o.value}">${o.label}</label></div>`,
)}
</fieldset>`;
}

export function serviceFormPage(
  locale: Locale,
  p: {
    csrf: string;
    action: string;
    values: ServiceFormValues;
    error?: string | undefined;
    owners: Array<{ id: string | null; kind: 'county_wide' | 'county' | 'school'; name: string }>;
    schools: NamedOrg[];
    clients: Array<{ clientId: string; name: string }>;
    icons: readonly string[];
    identityTypes: readonly string[];
  },
): SafeHtml {
  const v = p.values;
  const errorOf = (name: string) => (p.error && FIELD_OF[p.error] === name ? p.error : undefined);
  const ownerOptions = p.owners.map((o) => ({
    value: o.id ?? '',
    label: o.kind === 'county_wide' ? tsa(locale, 'services.owner_county_wide') : o.name,
  }));
  return html`${p.error && html`<div class="alert alert--error" role="alert" id="form-error"><p class="alert__text">${adminMessage(locale, p.error)}</p></div>`}
<form class="admin-form" method="post" action="${p.action}">${csrfField(p.csrf)}
${field(locale, { name: 'name_zh', label: tsa(locale, 'services.name_zh'), required: true, value: v.name_zh, error: errorOf('name_zh') })}
${field(locale, { name: 'name_en', label: tsa(locale, 'services.name_en'), value: v.name_en })}
${field(locale, { name: 'description_zh', label: tsa(locale, 'services.description_zh'), type: 'textarea', value: v.description_zh })}
${field(locale, { name: 'description_en', label: tsa(locale, 'services.description_en'), type: 'textarea', value: v.description_en })}
${field(locale, {
  name: 'icon',
  label: tsa(locale, 'services.icon'),
  required: true,
  value: v.icon ?? 'app',
  options: p.icons.map((i) => ({ value: i, label: adminMessage(locale, `services.icon.${i}`) })),
  error: errorOf('icon'),
})}
${ownerSelect(locale, ownerOptions, v.owner_org_id ?? '', errorOf('owner_org_id'))}
${field(locale, {
  name: 'client_id',
  label: tsa(locale, 'services.client'),
  value: v.client_id,
  options: p.clients.map((c) => ({ value: c.clientId, label: `${c.name} (${c.clientId})` })),
  hint: tsa(locale, 'services.client_hint'),
  error: errorOf('client_id'),
})}
${field(locale, { name: 'go_url', label: tsa(locale, 'services.go_url'), value: v.go_url, error: errorOf('go_url') })}
${checkboxes(
  {
    name: 'identity_types',
    legend: tsa(locale, 'services.identities'),
    hint: tsa(locale, 'services.identities_hint'),
    invalid: p.error === 'service.identity_invalid',
  },
  p.identityTypes.map((i) => ({ value: i, label: adminMessage(locale, `services.identity.${i}`) })),
  v.identity_types ?? [],
)}
${
  p.schools.length > 0 &&
  checkboxes(
    {
      name: 'school_ids',
      legend: tsa(locale, 'services.schools'),
      hint: tsa(locale, 'services.schools_hint'),
      invalid: p.error === 'service.school_invalid',
    },
    p.schools.map((s) => ({ value: s.id, label: s.name })),
    v.school_ids ?? [],
  )
}
${field(locale, { name: 'activation_required', label: tsa(locale, 'services.activation_required'), type: 'checkbox', checked: v.activation_required ?? true })}
${field(locale, { name: 'enabled', label: tsa(locale, 'services.enabled'), type: 'checkbox', checked: v.enabled ?? true, hint: tsa(locale, 'services.enabled_hint') })}
${field(locale, { name: 'sort_order', label: tsa(locale, 'services.sort_order'), type: 'number', value: v.sort_order ?? '0', hint: tsa(locale, 'services.sort_order_hint'), error: errorOf('sort_order') })}
<div class="admin-form__actions"><button type="submit" class="button">${tsa(locale, 'services.save')}</button> <a class="button button--secondary" href="/admin/services">${tsa(locale, 'services.cancel')}</a></div>
</form>`;
}
