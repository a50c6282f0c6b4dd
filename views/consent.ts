/**
 * The consent page (OpenID Connect Core §3.1.2.4): what the client asks for, in words, and one
 * form with an allow and a deny button so the decision is a single POST.
 */
import { clientMark, csrfField, safeHref, tHtml } from './fragments.js';
import { html, type SafeHtml } from './html.js';
import { isMessageKey, type Locale, t } from './i18n.js';
import { type LayoutProps, layout } from './layout.js';

export interface ConsentPageProps {
  locale: Locale;
  action: string;
  csrf: string;
  client: {
    name: string;
    logoUri?: string | undefined;
    policyUri?: string | undefined;
    tosUri?: string | undefined;
  };
  accountName: string;
  scopes: string[];
  claims: string[];
  langHrefs?: LayoutProps['langHrefs'];
}

function scopeItem(locale: Locale, scope: string): SafeHtml {
  const key = `scope.${scope}`;
  const text = isMessageKey(key) ? t(locale, key) : t(locale, 'consent.scope_unknown', { scope });
  return html`<li class="scope-list__item"><svg class="scope-list__icon" viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" focusable="false"><circle cx="10" cy="10" r="10" fill="currentColor"/><path d="m5.8 10.3 2.8 2.8 5.6-5.9" fill="none" stroke="#fff" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/></svg><span>${text}</span></li>`;
}

function claimItem(locale: Locale, claim: string): SafeHtml {
  const key = `claim.${claim}`;
  const label = isMessageKey(key) ? t(locale, key) : claim;
  // The technical name helps school IT staff match this page to what the application stores.
  return html`<li class="claim-list__item"><span class="claim-list__label">${label}</span>${label !== claim && html` <code class="claim-list__code">${claim}</code>`}</li>`;
}

function policyLinks(locale: Locale, client: ConsentPageProps['client']): SafeHtml | null {
  const links = [
    { href: safeHref(client.policyUri), key: 'consent.policy' as const },
    { href: safeHref(client.tosUri), key: 'consent.tos' as const },
  ].flatMap(({ href, key }) =>
    href
      ? [
          html`<li><a class="link" href="${href}" target="_blank" rel="noopener noreferrer">${t(locale, key, { client: client.name })}<span class="visually-hidden">${t(locale, 'common.opens_new_window')}</span></a></li>`,
        ]
      : [],
  );
  return links.length > 0 ? html`<ul class="policy-links">${links}</ul>` : null;
}

export function consentPage(p: ConsentPageProps): string {
  const { locale } = p;
  const scopes = [...new Set(p.scopes)];
  const claims = [...new Set(p.claims)];

  const body = html`<div class="card__head">
  ${clientMark(p.client)}
  <div>
    <h1 class="card__title">${tHtml(locale, 'consent.heading', { client: html`<span class="client-name">${p.client.name}</span>` })}</h1>
    <p class="card__subtitle">${tHtml(locale, 'consent.signed_in_as', { account: html`<strong>${p.accountName}</strong>` })}</p>
  </div>
</div>
${
  scopes.length > 0 &&
  html`<section class="section" aria-labelledby="scopes-heading">
  <h2 class="section__title" id="scopes-heading">${t(locale, 'consent.scopes_heading')}</h2>
  <ul class="scope-list">${scopes.map((s) => scopeItem(locale, s))}</ul>
</section>`
}
${
  claims.length > 0 &&
  html`<section class="section" aria-labelledby="claims-heading">
  <h2 class="section__title" id="claims-heading">${t(locale, 'consent.claims_heading')}</h2>
  <ul class="claim-list">${claims.map((c) => claimItem(locale, c))}</ul>
</section>`
}
${policyLinks(locale, p.client)}
<p class="help">${t(locale, 'consent.revoke_hint')}</p>
<form class="form" method="post" action="${p.action}">
  ${csrfField(p.csrf)}
  <div class="actions">
    <button class="button button--primary" type="submit" name="decision" value="allow">${t(locale, 'consent.allow')}</button>
    <button class="button button--secondary" type="submit" name="decision" value="deny">${t(locale, 'consent.deny')}</button>
  </div>
</form>`;

  return layout({ locale, title: t(locale, 'consent.title'), body, langHrefs: p.langHrefs });
}
