/**
 * 白名單: the education-network (TANet) defaults, read-only, and the ranges of the counties
 * and schools an admin keeps, with an add form and delete buttons.
 */
import { html, type SafeHtml } from '../html.js';
import type { Locale } from '../i18n.js';
import { formatTime } from './audit.js';
import { tc } from './common.js';
import { actionButton, dataTable, field, filterBar, type Page, pagination, postForm } from './components.js';
import { adminMessage, defineMessages } from './messages.js';

export const tw = defineMessages(
  {
    'whitelist.tanet_heading': '教育網路（TANet）預設範圍',
    'whitelist.tanet_hint': '以下範圍由系統設定（TANET_IP_RANGES）提供，所有學校預設允許，此處無法修改。',
    'whitelist.ranges_heading': '自訂範圍',
    'whitelist.org': '單位',
    'whitelist.cidr': 'IP 範圍',
    'whitelist.cidr_hint':
      'CIDR 格式，例如 163.25.10.0/24 或 2001:288:1234::/48；單一位址（例如 163.25.10.5）視為 /32 或 /128。',
    'whitelist.label': '說明',
    'whitelist.created_by': '新增者',
    'whitelist.created_at': '新增時間',
    'whitelist.add': '新增範圍',
    'whitelist.add_submit': '新增',
    'whitelist.delete': '刪除',
    'whitelist.added': '已新增 {cidr}。',
    'whitelist.deleted': '已刪除 {cidr}。',
    'whitelist.county_prefix': '縣市：{name}',
    'whitelist.cidr_invalid': 'IP 範圍格式不正確，請輸入 IPv4 或 IPv6 位址或 CIDR（例如 163.25.10.0/24）。',
    'whitelist.host_bits': '此範圍的主機位元不為 0，網路位址應為 {network}，請確認後重新輸入。',
    'whitelist.too_broad': '範圍太大：IPv4 至少 /8，IPv6 至少 /16。',
    'whitelist.label_too_long': '說明最多 100 個字。',
    'whitelist.org_invalid': '請選擇單位。',
    'whitelist.duplicate': '此單位已有這個範圍。',
  },
  {
    'whitelist.tanet_heading': 'Education network (TANet) defaults',
    'whitelist.tanet_hint':
      'These ranges come from the configuration (TANET_IP_RANGES), are allowed for every school and cannot be changed here.',
    'whitelist.ranges_heading': 'Ranges',
    'whitelist.org': 'Organisation',
    'whitelist.cidr': 'IP range',
    'whitelist.cidr_hint':
      'CIDR, e.g. 163.25.10.0/24 or 2001:288:1234::/48; a single address (e.g. 163.25.10.5) means /32 or /128.',
    'whitelist.label': 'Label',
    'whitelist.created_by': 'Added by',
    'whitelist.created_at': 'Added at',
    'whitelist.add': 'Add a range',
    'whitelist.add_submit': 'Add',
    'whitelist.delete': 'Delete',
    'whitelist.added': '{cidr} added.',
    'whitelist.deleted': '{cidr} deleted.',
    'whitelist.county_prefix': 'County: {name}',
    'whitelist.cidr_invalid':
      'This is not an IP range. Enter an IPv4 or IPv6 address or CIDR range (e.g. 163.25.10.0/24).',
    'whitelist.host_bits':
      'The host bits of this range are not zero: its network address is {network}. Check and retry.',
    'whitelist.too_broad': 'The range is too wide: at least /8 for IPv4 and /16 for IPv6.',
    'whitelist.label_too_long': 'The label can be at most 100 characters.',
    'whitelist.org_invalid': 'Choose an organisation.',
    'whitelist.duplicate': 'This organisation already has this range.',
  },
);

export interface OrgChoice {
  id: string;
  kind: 'county' | 'school';
  code: string;
  name: string;
}

export interface RangeRow {
  id: string;
  orgKind: 'county' | 'school';
  orgCode: string;
  orgName: string;
  cidr: string;
  label: string | null;
  createdByUsername: string | null;
  createdAt: Date;
}

const orgLabel = (locale: Locale, o: { kind: 'county' | 'school'; code: string; name: string }) =>
  o.kind === 'county' ? tw(locale, 'whitelist.county_prefix', { name: o.name }) : `${o.code} ${o.name}`;

/** which field an error marks (whitelist.host_bits needs {network}: only the alert on top shows it) */
const FIELD_OF: Record<string, string> = {
  'whitelist.cidr_invalid': 'cidr',
  'whitelist.too_broad': 'cidr',
  'whitelist.duplicate': 'cidr',
  'whitelist.label_too_long': 'label',
  'whitelist.org_invalid': 'org_id',
};

export function whitelistPage(
  locale: Locale,
  p: {
    csrf: string;
    tanet: readonly string[];
    rows: RangeRow[];
    page: Page;
    query: Record<string, unknown>;
    filter: { org_id?: string | undefined };
    orgs: OrgChoice[];
    addForm: {
      values: { org_id?: string; cidr?: string; label?: string };
      error?: string | undefined;
      /** for whitelist.host_bits: the network address the admin probably meant */
      network?: string | undefined;
    };
    deleteError?: string | undefined;
  },
): SafeHtml {
  const error = p.addForm.error;
  const message = (code: string) => adminMessage(locale, code, { network: p.addForm.network ?? '' });
  const errorOf = (name: string) => (error && FIELD_OF[error] === name ? error : undefined);
  const table = dataTable(locale, {
    id: 'ranges',
    columns: [
      { label: tw(locale, 'whitelist.org') },
      { label: tw(locale, 'whitelist.cidr') },
      { label: tw(locale, 'whitelist.label') },
      { label: tw(locale, 'whitelist.created_by') },
      { label: tw(locale, 'whitelist.created_at') },
      { label: tc(locale, 'table.actions') },
    ],
    rows: p.rows.map((r) => [
      orgLabel(locale, { kind: r.orgKind, code: r.orgCode, name: r.orgName }),
      html`<code>${r.cidr}</code>`,
      r.label,
      r.createdByUsername,
      formatTime(r.createdAt),
      actionButton(p.csrf, {
        action: `/admin/whitelist/${r.id}/delete`,
        label: tw(locale, 'whitelist.delete'),
        danger: true,
      }),
    ]),
  });
  const alert = (code: string | undefined) =>
    code
      ? html`<div class="alert alert--error" role="alert" id="form-error"><p class="alert__text">${message(code)}</p></div>`
      : null;
  return html`<section class="admin-panel" aria-labelledby="tanet-heading">
<h2 id="tanet-heading">${tw(locale, 'whitelist.tanet_heading')}</h2>
<p class="admin-panel__hint">${tw(locale, 'whitelist.tanet_hint')}</p>
<ul class="cidr-list" id="tanet-ranges">${p.tanet.map((r) => html`<li><code>${r}</code></li>`)}</ul>
</section>
<h2 id="ranges-heading">${tw(locale, 'whitelist.ranges_heading')}</h2>
${alert(p.deleteError)}
${filterBar(locale, {
  action: '/admin/whitelist',
  fields: [
    {
      name: 'org_id',
      label: tw(locale, 'whitelist.org'),
      value: p.filter.org_id,
      options: p.orgs.map((o) => ({ value: o.id, label: orgLabel(locale, o) })),
    },
  ],
})}
${table}
${pagination(locale, p.page, '/admin/whitelist', p.query)}
<section aria-labelledby="range-add">
<h2 id="range-add">${tw(locale, 'whitelist.add')}</h2>
${alert(error)}
${postForm(p.csrf, {
  action: '/admin/whitelist',
  submit: tw(locale, 'whitelist.add_submit'),
  body: [
    field(locale, {
      name: 'org_id',
      label: tw(locale, 'whitelist.org'),
      required: true,
      value: p.addForm.values.org_id ?? (p.orgs.length === 1 ? p.orgs[0]?.id : undefined),
      options: p.orgs.map((o) => ({ value: o.id, label: orgLabel(locale, o) })),
      error: errorOf('org_id'),
    }),
    field(locale, {
      name: 'cidr',
      label: tw(locale, 'whitelist.cidr'),
      required: true,
      value: p.addForm.values.cidr,
      hint: tw(locale, 'whitelist.cidr_hint'),
      autocomplete: 'off',
      error: errorOf('cidr'),
    }),
    field(locale, {
      name: 'label',
      label: tw(locale, 'whitelist.label'),
      value: p.addForm.values.label,
      error: errorOf('label'),
    }),
  ],
})}
</section>`;
}
