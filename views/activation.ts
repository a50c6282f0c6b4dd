/**
 * The service activation page of a login (服務啟用): the RP the user signs in to is the
 * client of a service that must be activated first. One form: 啟用 (activate, then the login
 * continues) or 取消 (the RP gets access_denied). A service the account may not use offers
 * only the way back.
 */
import { adminMessage, defineMessages } from './admin/messages.js';
import { clientMark, csrfField } from './fragments.js';
import { html } from './html.js';
import type { Locale } from './i18n.js';
import { type LayoutProps, layout } from './layout.js';
import { type ServiceText, serviceDescription, serviceIcon, serviceName } from './service-card.js';

export const ta = defineMessages(
  {
    'activation.title': '啟用服務',
    'activation.heading': '請先啟用「{service}」',
    'activation.intro': '{client} 屬於「{service}」服務。啟用這個服務後才能登入，啟用後會繼續登入。',
    'activation.unavailable':
      '您的帳號無法使用「{service}」服務，因此無法登入 {client}。如有疑問請洽所屬學校資訊組。',
    'activation.active': '「{service}」已啟用，請按「繼續」完成登入。',
    'activation.deactivate_hint': '之後可在個人服務頁（服務）停用。',
    'activation.activate': '啟用並繼續',
    'activation.continue': '繼續',
    'activation.cancel': '取消',
    'activation.back': '返回應用程式',
  },
  {
    'activation.title': 'Activate the service',
    'activation.heading': 'Activate “{service}” first',
    'activation.intro':
      '{client} belongs to the “{service}” service. Activate the service to sign in; the sign-in then continues.',
    'activation.unavailable':
      'The “{service}” service is not available to your account, so you cannot sign in to {client}. Ask your school’s IT staff if you have questions.',
    'activation.active': '“{service}” is active. Press Continue to finish signing in.',
    'activation.deactivate_hint': 'You can deactivate it later on the Services page of your account.',
    'activation.activate': 'Activate and continue',
    'activation.continue': 'Continue',
    'activation.cancel': 'Cancel',
    'activation.back': 'Back to the application',
  },
);

export interface ActivationPageProps {
  locale: Locale;
  action: string;
  csrf: string;
  client: { name: string; logoUri?: string | undefined };
  service: ServiceText & { icon: string };
  /** needed: offer activation; active: already done (a reload); unavailable: not for this account */
  status: 'needed' | 'active' | 'unavailable';
  error?: string | undefined;
  langHrefs?: LayoutProps['langHrefs'];
}

export function activationPage(p: ActivationPageProps): string {
  const { locale } = p;
  const service = serviceName(locale, p.service);
  const description = serviceDescription(locale, p.service);
  const params = { service, client: p.client.name };
  const text =
    p.status === 'unavailable'
      ? ta(locale, 'activation.unavailable', params)
      : p.status === 'active'
        ? ta(locale, 'activation.active', params)
        : ta(locale, 'activation.intro', params);
  const primary =
    p.status === 'unavailable'
      ? null
      : html`<button class="button button--primary" type="submit" name="decision" value="activate">${ta(locale, p.status === 'active' ? 'activation.continue' : 'activation.activate')}</button>`;
  const body = html`<div class="card__head">
  ${clientMark(p.client)}
  <div>
    <h1 class="card__title">${ta(locale, 'activation.heading', { service })}</h1>
  </div>
</div>
${p.error && html`<div class="alert alert--error" role="alert" id="form-error"><p class="alert__text">${adminMessage(locale, p.error)}</p></div>`}
<div class="service-summary">
  ${serviceIcon(p.service.icon)}
  <div class="service-summary__text">
    <p class="service-summary__name">${service}</p>
    ${description && html`<p class="service-summary__description">${description}</p>`}
  </div>
</div>
<p class="help">${text}</p>
${p.status === 'needed' && html`<p class="help">${ta(locale, 'activation.deactivate_hint')}</p>`}
<form class="form" method="post" action="${p.action}">
  ${csrfField(p.csrf)}
  <div class="actions">
    ${primary}
    <button class="button button--secondary" type="submit" name="decision" value="cancel">${ta(locale, p.status === 'unavailable' ? 'activation.back' : 'activation.cancel')}</button>
  </div>
</form>`;
  return layout({ locale, title: ta(locale, 'activation.title'), body, langHrefs: p.langHrefs });
}
