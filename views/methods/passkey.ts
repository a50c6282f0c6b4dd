/**
 * The passkey method's page. /static/passkey.js (with the @simplewebauthn/browser bundle)
 * shows the button, fetches the request options, asks the authenticator and posts the
 * assertion through the form below. Without JavaScript the button stays hidden and the page
 * says passkeys need it, offering the password form (views/methods/password.ts) instead.
 */
import { clientMark, csrfField, errorAlert, safeHref, tHtml } from '../fragments.js';
import { html, type SafeHtml } from '../html.js';
import { type Locale, t } from '../i18n.js';
import { type LayoutProps, layout } from '../layout.js';
import { passwordForm } from './password.js';

/** The scripts of the passkey pages, in order: the library bundle, then ours. */
export const PASSKEY_SCRIPTS = ['/static/simplewebauthn-browser.js', '/static/passkey.js'] as const;

export function passkeyScripts(): SafeHtml {
  return html`${PASSKEY_SCRIPTS.map((src) => html`<script src="${src}" defer></script>`)}`;
}

/** Messages the script shows without a round trip (it reads them from data attributes). */
export function passkeyScriptMessages(locale: Locale): SafeHtml {
  return html`data-msg-unsupported="${t(locale, 'passkey.unsupported')}" data-msg-cancelled="${t(locale, 'passkey.cancelled')}" data-msg-working="${t(locale, 'passkey.working')}"`;
}

export interface PasskeyLoginPageProps {
  locale: Locale;
  csrf: string;
  client: { name: string; logoUri?: string | undefined };
  /** POST target of the assertion */
  action: string;
  /** GET: the request options */
  optionsUrl: string;
  /** the password form's action, offered when JavaScript is off */
  passwordAction: string;
  /** back to the login page and its other methods */
  backHref: string;
  username?: string | undefined;
  error?: string | undefined;
  langHrefs?: LayoutProps['langHrefs'];
}

export function passkeyLoginPage(p: PasskeyLoginPageProps): string {
  const { locale } = p;
  const back = safeHref(p.backHref);
  const body = html`<div class="card__head">
  ${clientMark(p.client)}
  <div>
    <h1 class="card__title">${t(locale, 'passkey.title')}</h1>
    <p class="card__subtitle">${tHtml(locale, 'login.subtitle', { client: html`<strong class="client-name">${p.client.name}</strong>` })}</p>
  </div>
</div>
${errorAlert(locale, p.error)}
<p class="help">${t(locale, 'passkey.intro')}</p>
<form class="form passkey" method="post" action="${p.action}" data-passkey="login" data-options="${p.optionsUrl}" ${passkeyScriptMessages(locale)}>
  ${csrfField(p.csrf)}
  <input type="hidden" name="response" value="">
  <p class="passkey__status" role="status" aria-live="polite"></p>
  <button class="button button--primary button--block" type="submit" hidden>${t(locale, 'passkey.start')}</button>
</form>
<noscript>
  <p class="help passkey__needs-js">${t(locale, 'passkey.needs_js')}</p>
  ${passwordForm({ locale, action: p.passwordAction, csrf: p.csrf, username: p.username, invalid: false })}
</noscript>
${back && html`<p class="card__foot"><a class="link" href="${back}">${t(locale, 'passkey.other_methods')}</a></p>`}
${passkeyScripts()}`;
  return layout({ locale, title: t(locale, 'passkey.title'), body, langHrefs: p.langHrefs });
}
