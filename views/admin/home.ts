import { html, type SafeHtml } from '../html.js';
import type { Locale } from '../i18n.js';
import { tc } from './common.js';
import { defineMessages } from './messages.js';

const t = defineMessages(
  {
    'home.counties': '縣市管理者：{names}',
    'home.schools': '學校管理者：{names}',
    'home.classes': '任教班級：{count} 班',
    'home.hint':
      '請由上方選單選擇功能。OpenID 帳號資料為提供教育部教育雲相關服務之重要資料，資料如有誤，請立即更正。',
  },
  {
    'home.counties': 'County administrator: {names}',
    'home.schools': 'School administrator: {names}',
    'home.classes': 'Classes taught: {count}',
    'home.hint':
      'Choose a task from the menu above. Account data feeds the Ministry of Education cloud services: correct any error at once.',
  },
);

export function homePage(
  locale: Locale,
  p: { counties: string[]; schools: string[]; classes: number },
): SafeHtml {
  const items = [
    p.counties.length > 0 && t(locale, 'home.counties', { names: p.counties.join('、') }),
    p.schools.length > 0 && t(locale, 'home.schools', { names: p.schools.join('、') }),
    p.classes > 0 && t(locale, 'home.classes', { count: p.classes }),
  ].filter((x): x is string => !!x);
  return html`<section class="admin-panel">
<h2>${tc(locale, 'admin.welcome')}</h2>
<h3>${tc(locale, 'admin.your_roles')}</h3>
<ul>${items.length ? items.map((i) => html`<li>${i}</li>`) : html`<li>${tc(locale, 'admin.no_roles')}</li>`}</ul>
<p class="admin-panel__hint">${t(locale, 'home.hint')}</p>
</section>`;
}
