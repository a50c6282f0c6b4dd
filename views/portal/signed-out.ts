/** /account/signed-out: where the portal's sign-out (RP-initiated logout) lands. */
import { html } from '../html.js';
import type { Locale } from '../i18n.js';
import { type LayoutProps, layout } from '../layout.js';
import { pt } from './messages.js';

export function portalSignedOutPage(p: { locale: Locale; langHrefs?: LayoutProps['langHrefs'] }): string {
  const { locale } = p;
  const body = html`<div class="card__head"><h1 class="card__title">${pt(locale, 'portal.signed_out_title')}</h1></div>
<p>${pt(locale, 'portal.signed_out_body')}</p>
<div class="actions"><a class="button button--primary" href="/account">${pt(locale, 'portal.sign_in_again')}</a></div>`;
  return layout({
    locale,
    title: pt(locale, 'portal.signed_out_title'),
    body,
    ...(p.langHrefs ? { langHrefs: p.langHrefs } : {}),
  });
}
