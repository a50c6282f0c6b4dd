/**
 * 服務 (/account/services): every service the signed-in account may use, as the seeds show
 * it: 未啟用會顯示【啟用】 (a POST form), 已啟用會顯示【GO】 (a link to the service) with 停用
 * beside it, which leads to a confirmation page (a plain page and form: no script needed).
 */

import { defineMessages } from '../admin/messages.js';
import { csrfField, safeHref } from '../fragments.js';
import { html, type SafeHtml } from '../html.js';
import { type ServiceText, serviceDescription, serviceIcon, serviceName } from '../service-card.js';
import { timeCell } from './components.js';
import { type PortalLayoutProps, portalLayout } from './layout.js';

export const tps = defineMessages(
  {
    'portal_services.title': '服務',
    'portal_services.intro': '以下是您的帳號可以使用的服務。部分服務需要先啟用，才能登入該服務。',
    'portal_services.none': '目前沒有您可以使用的服務。',
    'portal_services.activate': '啟用',
    'portal_services.go': 'GO',
    'portal_services.deactivate': '停用',
    'portal_services.active': '已啟用',
    'portal_services.since': '啟用時間',
    'portal_services.inactive': '未啟用',
    'portal_services.activated': '已啟用服務。',
    'portal_services.deactivated': '已停用服務，該服務的授權與登入權杖已撤銷。',
    'portal_services.confirm_title': '停用服務',
    'portal_services.confirm_text':
      '確定要停用「{service}」嗎？停用後，這個服務的授權與登入權杖會立即撤銷；之後要使用時需再次啟用。',
    'portal_services.confirm': '確定停用',
    'portal_services.cancel': '取消',
    'portal_services.go_label': '前往 {service}',
    'portal_services.activate_label': '啟用 {service}',
    'portal_services.deactivate_label': '停用 {service}',
  },
  {
    'portal_services.title': 'Services',
    'portal_services.intro':
      'These are the services your account may use. Some must be activated before you can sign in to them.',
    'portal_services.none': 'There are no services for your account yet.',
    'portal_services.activate': 'Activate',
    'portal_services.go': 'GO',
    'portal_services.deactivate': 'Deactivate',
    'portal_services.active': 'Active',
    'portal_services.since': 'Activated at',
    'portal_services.inactive': 'Not activated',
    'portal_services.activated': 'Service activated.',
    'portal_services.deactivated': 'Service deactivated; its consents and sign-in tokens were revoked.',
    'portal_services.confirm_title': 'Deactivate the service',
    'portal_services.confirm_text':
      'Deactivate “{service}”? Its consents and sign-in tokens are revoked at once; activate it again to use it later.',
    'portal_services.confirm': 'Deactivate',
    'portal_services.cancel': 'Cancel',
    'portal_services.go_label': 'Go to {service}',
    'portal_services.activate_label': 'Activate {service}',
    'portal_services.deactivate_label': 'Deactivate {service}',
  },
);

export interface PortalServiceView extends ServiceText {
  id: string;
  icon: string;
  goUrl: string | null;
  activatedAt: Date | null;
}

type Common = Omit<PortalLayoutProps, 'section' | 'title' | 'body'>;

export const PORTAL_SERVICES_PATH = '/account/services';

function card(p: Common, s: PortalServiceView): SafeHtml {
  const { locale } = p;
  const name = serviceName(locale, s);
  const description = serviceDescription(locale, s);
  const go = safeHref(s.goUrl ?? undefined);
  const actions = s.activatedAt
    ? html`${go && html`<a class="button button--primary service-card__go" href="${go}" rel="noopener noreferrer" aria-label="${tps(locale, 'portal_services.go_label', { service: name })}">${tps(locale, 'portal_services.go')}</a>`}
<a class="button button--secondary" href="${PORTAL_SERVICES_PATH}/${s.id}/deactivate" aria-label="${tps(locale, 'portal_services.deactivate_label', { service: name })}">${tps(locale, 'portal_services.deactivate')}</a>`
    : html`<form class="service-card__form" method="post" action="${PORTAL_SERVICES_PATH}/${s.id}/activate">${csrfField(p.csrf)}<button class="button button--primary" type="submit" aria-label="${tps(locale, 'portal_services.activate_label', { service: name })}">${tps(locale, 'portal_services.activate')}</button></form>`;
  return html`<li class="service-card" id="service-${s.id}">
  ${serviceIcon(s.icon)}
  <div class="service-card__text">
    <h2 class="service-card__name">${name}</h2>
    ${description && html`<p class="service-card__description">${description}</p>`}
    <p class="service-card__status">${s.activatedAt ? html`<span class="badge badge--ok">${tps(locale, 'portal_services.active')}</span> <span class="service-card__since">${tps(locale, 'portal_services.since')} ${timeCell(s.activatedAt)}</span>` : html`<span class="badge">${tps(locale, 'portal_services.inactive')}</span>`}</p>
  </div>
  <div class="service-card__actions">${actions}</div>
</li>`;
}

export function portalServicesPage(p: Common & { services: PortalServiceView[] }): string {
  const { locale } = p;
  const body = html`<p class="help">${tps(locale, 'portal_services.intro')}</p>
${
  p.services.length
    ? html`<ul class="service-list">${p.services.map((s) => card(p, s))}</ul>`
    : html`<p class="help">${tps(locale, 'portal_services.none')}</p>`
}`;
  return portalLayout({ ...p, section: 'services', title: tps(locale, 'portal_services.title'), body });
}

export function portalDeactivatePage(p: Common & { service: PortalServiceView }): string {
  const { locale } = p;
  const name = serviceName(locale, p.service);
  const body = html`<div class="service-summary">
  ${serviceIcon(p.service.icon)}
  <div class="service-summary__text"><p class="service-summary__name">${name}</p></div>
</div>
<p class="help">${tps(locale, 'portal_services.confirm_text', { service: name })}</p>
<form class="form service-deactivate" method="post" action="${PORTAL_SERVICES_PATH}/${p.service.id}/deactivate">
  ${csrfField(p.csrf)}
  <div class="actions">
    <button class="button button--danger" type="submit">${tps(locale, 'portal_services.confirm')}</button>
    <a class="button button--secondary" href="${PORTAL_SERVICES_PATH}">${tps(locale, 'portal_services.cancel')}</a>
  </div>
</form>`;
  return portalLayout({
    ...p,
    section: 'services',
    title: tps(locale, 'portal_services.confirm_title'),
    body,
  });
}
