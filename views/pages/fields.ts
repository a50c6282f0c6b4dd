/**
 * Form pieces of the public pages (application, set password): a field's own error line tied
 * to its input with aria-describedby, and reading back what was typed for a re-rendered form.
 */
import { html, type SafeHtml } from '../html.js';
import { type Locale, messageFor, t } from '../i18n.js';

export type FieldErrors = Readonly<Record<string, string>> | undefined;
export type FormInput = Readonly<Record<string, unknown>> | undefined;

/** The typed value of a single-valued field; anything else (an array, a number) reads as ''. */
export function typedValue(input: FormInput, name: string): string {
  const v = input?.[name];
  return typeof v === 'string' ? v : '';
}

/** The values of a repeated field (checkboxes). */
export function typedValues(input: FormInput, name: string): string[] {
  const v = input?.[name];
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export const errorId = (name: string) => `${name}-error`;

/** The message under a field, or nothing. */
export function fieldError(locale: Locale, fields: FieldErrors, name: string): SafeHtml | null {
  const code = fields?.[name];
  if (!code) return null;
  return html`<p class="field__hint field__error" id="${errorId(name)}"><span class="visually-hidden">${t(locale, 'common.error_prefix')}</span>${messageFor(locale, code)}</p>`;
}

/** aria-describedby (hint and error) and aria-invalid for a field's input. */
export function describedBy(fields: FieldErrors, name: string, hintId?: string): SafeHtml {
  const ids = [hintId, fields?.[name] ? errorId(name) : undefined].filter(Boolean).join(' ');
  return html`${ids && html` aria-describedby="${ids}"`}${fields?.[name] && html` aria-invalid="true"`}`;
}
