/**
 * What every page about a service (服務) shares: its icon, its name and description in the
 * page's language, and the messages of the service.* error codes. Icons are our own SVG files
 * (views/static/services/<key>.svg), inlined: the CSP loads no outside image, and an inline
 * SVG costs no request. They carry presentation attributes only (no style attribute).
 */
import { readFileSync } from 'node:fs';
import { defineMessages } from './admin/messages.js';
import { raw, type SafeHtml } from './html.js';
import type { Locale } from './i18n.js';

export const SERVICE_ICON_KEYS = ['wifi', 'google', 'cloud', 'app'] as const;
export type ServiceIconKey = (typeof SERVICE_ICON_KEYS)[number];

const ICONS = new Map<string, string>(
  SERVICE_ICON_KEYS.map((key) => [
    key,
    readFileSync(new URL(`./static/services/${key}.svg`, import.meta.url), 'utf8')
      .trim()
      .replace('<svg ', '<svg class="service-icon" '),
  ]),
);

/** The service's icon (decorative: the name is always next to it); 'app' for unknown keys. */
export function serviceIcon(key: string): SafeHtml {
  return raw(ICONS.get(key) ?? ICONS.get('app') ?? '');
}

export interface ServiceText {
  nameZh: string;
  nameEn: string;
  descriptionZh: string;
  descriptionEn: string;
}

/** The name in the page's language; the zh-TW name when there is no English one. */
export function serviceName(locale: Locale, s: ServiceText): string {
  return locale === 'en' && s.nameEn ? s.nameEn : s.nameZh;
}

export function serviceDescription(locale: Locale, s: ServiceText): string {
  return locale === 'en' && s.descriptionEn ? s.descriptionEn : s.descriptionZh;
}

/** Messages of the codes services/service-catalog.ts throws (registered for every page). */
export const tsv = defineMessages(
  {
    'service.name_required': '請輸入服務名稱。',
    'service.too_long': '名稱最多 100 字，說明最多 500 字。',
    'service.icon_invalid': '請從清單選擇圖示。',
    'service.client_invalid': '請從清單選擇已註冊的應用程式。',
    'service.client_taken': '這個應用程式已綁定到另一個服務。',
    'service.go_url_invalid': '連結網址必須是 http:// 或 https:// 開頭的完整網址。',
    'service.identity_invalid': '請從清單選擇身分。',
    'service.school_invalid': '只能限定為您管理的學校。',
    'service.owner_invalid': '請從清單選擇服務的管理單位。',
    'service.sort_order_invalid': '排序請輸入整數。',
    'service.not_available': '您的帳號無法使用這個服務。',
  },
  {
    'service.name_required': 'Enter the name of the service.',
    'service.too_long': 'Names are at most 100 characters, descriptions at most 500.',
    'service.icon_invalid': 'Choose an icon from the list.',
    'service.client_invalid': 'Choose a registered application from the list.',
    'service.client_taken': 'This application is already bound to another service.',
    'service.go_url_invalid': 'The link must be a full URL starting with http:// or https://.',
    'service.identity_invalid': 'Choose identities from the list.',
    'service.school_invalid': 'A service can only be restricted to schools you administer.',
    'service.owner_invalid': 'Choose who manages the service from the list.',
    'service.sort_order_invalid': 'The order must be a whole number.',
    'service.not_available': 'This service is not available to your account.',
  },
);
