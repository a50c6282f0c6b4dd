/**
 * 登入防護: look up an account (and an address) and see the throttle's counters and blocks;
 * county admins clear them.
 */
import { html, type SafeHtml } from '../html.js';
import type { Locale } from '../i18n.js';
import { formatTime } from './audit.js';
import { actionButton, dataTable, definitionList, filterBar, formError } from './components.js';
import { defineMessages } from './messages.js';

export const tt = defineMessages(
  {
    'throttle.intro':
      '登入失敗會依「帳號＋IP」、「IP」與「帳號」分別計數，超過免費次數後依序封鎖 1、2、4… 分鐘（最多 1 小時）。在帳號曾成功登入的瀏覽器上，帳號層級與 IP 層級的封鎖不適用。',
    'throttle.username': '帳號',
    'throttle.ip': 'IP 位址',
    'throttle.account': '帳號資料',
    'throttle.no_account': '沒有這個帳號（仍會計數，以免洩漏帳號是否存在）',
    'throttle.store': '計數儲存',
    'throttle.store_redis': 'Redis（所有節點共用）',
    'throttle.store_memory': '記憶體（評估模式，僅此節點）',
    'throttle.kind': '類型',
    'throttle.scope': '範圍',
    'throttle.failures': '失敗次數',
    'throttle.remaining': '剩餘免費次數',
    'throttle.blocked_until': '封鎖至',
    'throttle.not_blocked': '未封鎖',
    'throttle.clear': '解除封鎖並清除計數',
    'throttle.cleared': '已清除計數與封鎖。',
    'throttle.kind.password': '密碼',
    'throttle.kind.pass_one': 'passOne 一次登入',
    'throttle.kind.otp': '驗證碼',
    'throttle.kind.fido': '行動自然人憑證',
    'throttle.kind.reset': '忘記密碼',
    'throttle.scope.account_ip': '帳號＋IP',
    'throttle.scope.ip': 'IP',
    'throttle.scope.account': '帳號（所有 IP）',
    'throttle.query_required': '請輸入帳號或 IP 位址。',
    'throttle.ip_invalid': 'IP 位址格式不正確。',
  },
  {
    'throttle.intro':
      'Failed sign-ins are counted per account+IP, per IP and per account. Past the free attempts, blocks of 1, 2, 4… minutes follow (at most 1 hour). The account and IP blocks do not apply in a browser the account has signed in with before.',
    'throttle.username': 'Username',
    'throttle.ip': 'IP address',
    'throttle.account': 'Account',
    'throttle.no_account': 'No such account (still counted, so that nothing tells which accounts exist)',
    'throttle.store': 'Counters kept in',
    'throttle.store_redis': 'Redis (shared by all nodes)',
    'throttle.store_memory': 'memory (evaluation mode, this node only)',
    'throttle.kind': 'Kind',
    'throttle.scope': 'Scope',
    'throttle.failures': 'Failures',
    'throttle.remaining': 'Free attempts left',
    'throttle.blocked_until': 'Blocked until',
    'throttle.not_blocked': 'not blocked',
    'throttle.clear': 'Clear counters and blocks',
    'throttle.cleared': 'Counters and blocks cleared.',
    'throttle.kind.password': 'Password',
    'throttle.kind.pass_one': 'passOne',
    'throttle.kind.otp': 'Verification code',
    'throttle.kind.fido': 'Mobile citizen certificate',
    'throttle.kind.reset': 'Forgot password',
    'throttle.scope.account_ip': 'Account+IP',
    'throttle.scope.ip': 'IP',
    'throttle.scope.account': 'Account (all IPs)',
    'throttle.query_required': 'Enter a username or an IP address.',
    'throttle.ip_invalid': 'This is not an IP address.',
  },
);

export interface ThrottleRow {
  kind: 'password' | 'pass_one' | 'otp' | 'fido' | 'reset';
  scope: 'account_ip' | 'ip' | 'account';
  failures: number;
  remaining: number;
  blockedUntil: Date | null;
}

export function throttlePage(
  locale: Locale,
  p: {
    csrf: string;
    query: { username?: string | undefined; ip?: string | undefined };
    error?: string | undefined;
    report?: {
      account: { username: string; name: string | null } | null;
      username: string | null;
      ip: string | null;
      store: string;
      rows: ThrottleRow[];
    };
    canClear: boolean;
  },
): SafeHtml {
  const r = p.report;
  const table =
    r &&
    dataTable(locale, {
      id: 'throttle-counters',
      columns: [
        { label: tt(locale, 'throttle.kind') },
        { label: tt(locale, 'throttle.scope') },
        { label: tt(locale, 'throttle.failures') },
        { label: tt(locale, 'throttle.remaining') },
        { label: tt(locale, 'throttle.blocked_until') },
      ],
      rows: r.rows.map((s) => [
        tt(locale, `throttle.kind.${s.kind}`),
        tt(locale, `throttle.scope.${s.scope}`),
        String(s.failures),
        String(s.remaining),
        s.blockedUntil
          ? html`<span class="badge badge--error">${formatTime(s.blockedUntil)}</span>`
          : html`<span class="badge badge--ok">${tt(locale, 'throttle.not_blocked')}</span>`,
      ]),
    });
  const fields: Record<string, string> = {};
  if (r?.username) fields.username = r.username;
  if (r?.ip) fields.ip = r.ip;
  return html`<p class="admin-panel__hint">${tt(locale, 'throttle.intro')}</p>
${filterBar(locale, {
  action: '/admin/throttle',
  fields: [
    { name: 'username', label: tt(locale, 'throttle.username'), value: p.query.username },
    { name: 'ip', label: tt(locale, 'throttle.ip'), value: p.query.ip },
  ],
})}
${formError(locale, p.error)}
${
  r &&
  html`<section class="admin-panel" aria-labelledby="throttle-result">
<h2 id="throttle-result">${[r.username, r.ip].filter(Boolean).join(' · ')}</h2>
${definitionList([
  [
    tt(locale, 'throttle.account'),
    r.username
      ? r.account
        ? `${r.account.username} ${r.account.name ?? ''}`
        : tt(locale, 'throttle.no_account')
      : null,
  ],
  [
    tt(locale, 'throttle.store'),
    tt(locale, r.store === 'redis' ? 'throttle.store_redis' : 'throttle.store_memory'),
  ],
])}
${table}
${p.canClear && actionButton(p.csrf, { action: '/admin/throttle/clear', label: tt(locale, 'throttle.clear'), danger: true, fields })}
</section>`
}`;
}
