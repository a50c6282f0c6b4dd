/** 新帳號申請, done: 申請已送出, and what happens next. */
import { tHtml } from '../fragments.js';
import { html } from '../html.js';
import { type Locale, t } from '../i18n.js';
import { type LayoutProps, layout } from '../layout.js';

export interface ApplySubmittedPageProps {
  locale: Locale;
  schoolName: string;
  /** the application has been approved or rejected already */
  decided: boolean;
  langHrefs?: LayoutProps['langHrefs'];
}

export function applySubmittedPage(p: ApplySubmittedPageProps): string {
  const { locale } = p;
  const body = html`<div class="status status--success">
  <svg class="status__icon" viewBox="0 0 48 48" width="48" height="48" aria-hidden="true" focusable="false"><circle cx="24" cy="24" r="24" fill="currentColor"/><path d="m14 24.5 7 7 13-14" fill="none" stroke="#fff" stroke-width="4.5" stroke-linecap="round" stroke-linejoin="round"/></svg>
</div>
<h1 class="card__title card__title--center">${t(locale, 'apply.submitted.title')}</h1>
<p class="card__subtitle card__subtitle--center">${
    p.decided
      ? t(locale, 'apply.submitted.decided')
      : tHtml(locale, 'apply.submitted.body', { school: html`<strong>${p.schoolName}</strong>` })
  }</p>
<p class="help help--center">${t(locale, 'apply.submitted.next')}</p>`;
  return layout({ locale, title: t(locale, 'apply.submitted.title'), body, langHrefs: p.langHrefs });
}
