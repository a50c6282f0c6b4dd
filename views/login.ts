/**
 * The sign-in page: the password method's form (views/methods/password.ts), plus links to the
 * other login methods. On error the form is re-rendered with the message and the typed username.
 */
import { clientMark, errorAlert, safeHref, tHtml } from './fragments.js';
import { html, type SafeHtml } from './html.js';
import { isMessageKey, type Locale, type MessageKey, t } from './i18n.js';
import { type LayoutProps, layout } from './layout.js';
import { passwordForm } from './methods/password.js';

/** Another login method (自然人憑證, passkey…), shown as a secondary button under the form. */
export interface LoginMethodLink {
  id: string;
  /** Display text, or a message key such as `method.certificate`. */
  label: string;
  href: string;
}

export interface LoginPageProps {
  locale: Locale;
  action: string;
  csrf: string;
  client: { name: string; logoUri?: string | undefined };
  username?: string;
  /** A message key or error code; unknown codes fall back to input.invalid. */
  error?: string;
  methods: LoginMethodLink[];
  langHrefs?: LayoutProps['langHrefs'];
  abortHref?: string;
  /** false when the login policy does not accept the password here (a step-up); default true */
  passwordForm?: boolean;
  /** why a signed-in user must sign in again with a stronger method (step-up) */
  notice?: MessageKey | undefined;
}

/** The method buttons; "or sign in another way" only when they follow the password form. */
function methodLinks(locale: Locale, methods: LoginMethodLink[], afterForm: boolean): SafeHtml | null {
  const items = methods.flatMap((m) => {
    const href = safeHref(m.href);
    if (!href) return [];
    const label = isMessageKey(m.label) ? t(locale, m.label) : m.label;
    return [
      html`<li><a class="button button--secondary button--block" href="${href}" data-method="${m.id}">${label}</a></li>`,
    ];
  });
  if (items.length === 0) return null;
  return html`<div class="methods">
  ${afterForm && html`<p class="divider"><span>${t(locale, 'login.other_methods')}</span></p>`}
  <ul class="methods__list">${items}</ul>
</div>`;
}

export function loginPage(p: LoginPageProps): string {
  const { locale } = p;
  const invalid = Boolean(p.error);
  const abortHref = safeHref(p.abortHref);

  const body = html`<div class="card__head">
  ${clientMark(p.client)}
  <div>
    <h1 class="card__title">${t(locale, 'login.title')}</h1>
    <p class="card__subtitle">${tHtml(locale, 'login.subtitle', { client: html`<strong class="client-name">${p.client.name}</strong>` })}</p>
  </div>
</div>
${p.notice && html`<div class="alert alert--info" role="status" id="step-up"><p class="alert__text">${t(locale, p.notice)}</p></div>`}
${errorAlert(locale, p.error)}
${
  p.passwordForm === false
    ? null
    : html`${passwordForm({ locale, action: p.action, csrf: p.csrf, username: p.username, invalid })}
<p class="help"><a class="link" href="/account/forgot">${t(locale, 'login.forgot_link')}</a> ${t(locale, 'login.forgot_hint')}</p>`
}
${methodLinks(locale, p.methods, p.passwordForm !== false)}
${abortHref && html`<p class="card__foot"><a class="link" href="${abortHref}">${t(locale, 'login.cancel')}</a></p>`}`;

  return layout({ locale, title: t(locale, 'login.title'), body, langHrefs: p.langHrefs });
}
