import type { Context } from 'koa';
import { isLocale, type Locale, negotiateLocale } from '../../views/index.js';

const COOKIE = 'edu_lang';

/**
 * zh-TW unless the user picked English with the switch (?lang=en, remembered in a cookie)
 * or the RP asked for it with ui_locales.
 */
export function resolveLocale(ctx: Context, uiLocales?: unknown): Locale {
  const picked = ctx.query.lang;
  if (isLocale(picked)) {
    ctx.cookies.set(COOKIE, picked, {
      httpOnly: true,
      sameSite: 'lax',
      maxAge: 365 * 24 * 3600 * 1000,
      path: '/',
    });
    return picked;
  }
  const remembered = ctx.cookies.get(COOKIE);
  if (isLocale(remembered)) return remembered;
  return negotiateLocale(typeof uiLocales === 'string' ? uiLocales : undefined);
}

export function langHrefs(ctx: Context): { 'zh-TW': string; en: string } {
  return { 'zh-TW': `${ctx.path}?lang=zh-TW`, en: `${ctx.path}?lang=en` };
}
