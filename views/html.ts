/**
 * Auto-escaping HTML templates. Every interpolation is escaped unless it is already SafeHtml,
 * so markup can only come from template literals in views/ or an explicit raw(). That keeps
 * user input, client metadata and error descriptions from ever becoming markup.
 */

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  // backtick closes attribute values in old IE and some sanitiser-bypass tricks
  '`': '&#96;',
};
const ESCAPE_RE = /[&<>"'`]/g;

export function escapeHtml(value: string): string {
  return value.replace(ESCAPE_RE, (c) => ESCAPES[c] ?? c);
}

/** Markup that is already safe to emit. Build it with html`…` or, for trusted input only, raw(). */
export class SafeHtml {
  constructor(readonly __html: string) {}

  toString(): string {
    return this.__html;
  }
}

/** `false` is allowed so that `${cond && html`…`}` reads naturally. */
export type HtmlValue = SafeHtml | string | number | bigint | false | null | undefined | readonly HtmlValue[];

function toHtml(value: HtmlValue | boolean): string {
  if (value === null || value === undefined || typeof value === 'boolean') return '';
  if (value instanceof SafeHtml) return value.__html;
  if (Array.isArray(value)) return value.map(toHtml).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) {
    out += toHtml(values[i]) + (strings[i + 1] ?? '');
  }
  return new SafeHtml(out);
}

/** Marks trusted markup (for example oidc-provider's logout form) as safe. Never pass user input. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

export function render(value: SafeHtml): string {
  return value.__html;
}
