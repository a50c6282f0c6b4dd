/**
 * Message catalogues of the admin console. Each console module declares its own messages
 * with defineMessages(zh, en): the English table must have exactly the zh-TW keys (checked by
 * the type), and the returned function only accepts those keys. Every key is also registered
 * so that an error code thrown by a service (e.g. `admin.forbidden`) finds its message.
 */
import { t as hostedT, isMessageKey, type Locale } from '../i18n.js';

type Entry = { 'zh-TW': string; en: string };
const registry = new Map<string, Entry>();

function fill(template: string, params?: Record<string, string | number>): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (match, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : match,
  );
}

export type Translate<K extends string> = (
  locale: Locale,
  key: K,
  params?: Record<string, string | number>,
) => string;

export function defineMessages<const Z extends Record<string, string>>(
  zh: Z,
  en: { [K in keyof Z]: string },
): Translate<Extract<keyof Z, string>> {
  for (const key of Object.keys(zh)) {
    registry.set(key, { 'zh-TW': zh[key] as string, en: en[key as keyof Z] });
  }
  return (locale, key, params) => fill((locale === 'en' ? en[key] : zh[key]) as string, params);
}

/** A message for any registered key or hosted-page key; unknown codes get a generic message. */
export function adminMessage(locale: Locale, code: string, params?: Record<string, string | number>): string {
  const entry = registry.get(code);
  if (entry) return fill(entry[locale], params);
  if (isMessageKey(code)) return hostedT(locale, code, params);
  const generic = registry.get('admin.invalid_request');
  return generic ? generic[locale] : hostedT(locale, 'input.invalid');
}
