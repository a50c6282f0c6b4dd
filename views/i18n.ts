/**
 * Message catalogue for the hosted pages. zh-TW is the default and the source of the keys;
 * `en` is typed Record<MessageKey, string>, so a missing or extra translation does not compile.
 * Error codes thrown by the server (AppError.code, e.g. `password.too_short`) are keys here,
 * so a page can turn a code into a message with messageFor().
 */

export type Locale = 'zh-TW' | 'en';

export const LOCALES: readonly Locale[] = ['zh-TW', 'en'];

export const DEFAULT_LOCALE: Locale = 'zh-TW';

const zhTW = {
  // layout
  'site.name': '教育網路單一帳號',
  // U+2011 (non-breaking hyphen) so a narrow header never breaks the name as "Sign-/On"
  'site.name_alt': 'Education Single Sign‑On',
  'layout.skip_to_content': '跳到主要內容',
  'layout.language': '語言',
  'lang.zh-TW': '中文',
  'lang.en': 'English',
  'footer.org': '教育處',
  'footer.org_alt': 'Education Bureau',
  'footer.security': '請勿將密碼告訴任何人，系統人員不會以電話或電子郵件向您索取密碼。',
  'common.error_prefix': '錯誤：',
  'common.opens_new_window': '（另開新視窗）',

  // errors the server reports by code
  'password.invalid_credentials': '帳號或密碼錯誤。',
  'password.account_disabled': '此帳號已停用，請洽所屬學校資訊組。',
  'password.too_short': '密碼至少需要 8 個字元。',
  'password.too_long': '密碼太長了，請改用較短的密碼。',
  'password.too_common': '這個密碼太常見或太容易猜到（例如生日、連續數字），請改用其他密碼。',
  'password.contains_username': '密碼不可包含您的帳號。',
  'password.mismatch': '兩次輸入的新密碼不一致，請重新輸入。',
  'password.current_invalid': '目前的密碼不正確。',
  'password.same_as_old': '新密碼不可與舊密碼相同。',
  'csrf.invalid': '表單已逾時，請再試一次。',
  'input.invalid': '輸入的資料不正確，請檢查後再試一次。',
  'interaction.expired': '登入作業已逾時，請回到應用程式重新開始登入。',
  'rate_limit.exceeded': '嘗試次數過多，請稍候幾分鐘再試。',
  server_error: '系統暫時無法處理您的要求，請稍後再試。',

  // protocol errors shown on the error page (oidc-provider's error codes, prefixed)
  'oidc.invalid_request': '應用程式送出的登入要求格式不正確。',
  'oidc.invalid_client': '無法識別此應用程式，請洽應用程式的管理者。',
  'oidc.invalid_redirect_uri': '此應用程式的回傳網址未經登記，請洽應用程式的管理者。',
  'oidc.unauthorized_client': '此應用程式未獲授權使用這種登入方式。',
  'oidc.invalid_scope': '應用程式要求了不支援的權限。',
  'oidc.access_denied': '存取要求已被拒絕。',
  'oidc.login_required': '請先登入。',
  'oidc.session_not_found': '找不到您的登入狀態，請回到應用程式重新登入。',

  // login
  'login.title': '登入',
  'login.subtitle': '登入以繼續使用 {client}',
  'login.username': '帳號',
  'login.username_hint': '帳號請輸入小寫，不需加 @ 後的網域',
  'login.password': '密碼',
  'login.submit': '登入',
  'login.other_methods': '或使用其他方式登入',
  'login.forgot_hint': '忘記帳號或密碼？請洽所屬學校資訊組協助。',
  'login.cancel': '取消並返回應用程式',
  'method.certificate': '自然人憑證登入',
  'method.fido': '行動自然人憑證登入',
  'method.passkey': '使用通行金鑰登入',

  // consent
  'consent.title': '授權確認',
  'consent.heading': '{client} 想要存取您的帳號',
  'consent.signed_in_as': '目前登入帳號：{account}',
  'consent.scopes_heading': '同意後，此應用程式將可以：',
  'consent.claims_heading': '將提供給應用程式的資料',
  'consent.revoke_hint': '您可以隨時撤銷此授權：請洽所屬學校資訊組。',
  'consent.policy': '{client} 隱私權政策',
  'consent.tos': '{client} 服務條款',
  'consent.allow': '同意',
  'consent.deny': '拒絕',
  'consent.scope_unknown': '存取「{scope}」資料',
  'scope.openid': '確認您的身分（取得您的帳號識別碼）',
  'scope.profile': '讀取您的基本資料：姓名與帳號',
  'scope.email': '讀取您的電子郵件地址',
  'scope.offline_access': '在您未登入時繼續存取上述資料，直到您撤銷授權',
  'scope.eduinfo': '讀取您的學校、身分（學生、教師或職員）與班級資訊',
  'scope.openid2': '讀取您原有的縣市 OpenID 識別碼',
  'claim.sub': '帳號識別碼',
  'claim.name': '姓名',
  'claim.given_name': '名字',
  'claim.family_name': '姓氏',
  'claim.preferred_username': '帳號',
  'claim.email': '電子郵件',
  'claim.email_verified': '電子郵件驗證狀態',
  'claim.updated_at': '資料更新時間',
  'claim.schoolid': '學校代碼',
  'claim.titles': '身分與職稱',
  'claim.classinfo': '班級資訊',
  'claim.openid2_id': '縣市 OpenID 識別碼',

  // change password
  'change_password.title': '變更密碼',
  'change_password.intro': '為保護您的帳號安全，請先設定新密碼才能繼續。',
  'change_password.account': '帳號：{username}',
  'change_password.new': '新密碼',
  'change_password.confirm': '再次輸入新密碼',
  'change_password.rules': '至少 8 個字元，可使用長密碼或片語，常見密碼將被拒絕',
  'change_password.submit': '變更密碼並繼續',

  // logout
  'logout.title': '登出',
  'logout.question': '是否要登出？',
  'logout.body': '您將登出教育網路單一帳號。',
  'logout.body_client': '「{client}」要求將您登出教育網路單一帳號。',
  'logout.confirm': '登出',
  'logout.cancel': '取消',
  'logged_out.title': '您已登出',
  'logged_out.body': '您已成功登出教育網路單一帳號。',
  'logged_out.body_client': '您已成功登出「{client}」與教育網路單一帳號。',
  'logged_out.shared_device': '若您使用的是共用電腦，請關閉所有瀏覽器視窗。',

  // error page
  'error.title': '發生錯誤',
  'error.lead': '很抱歉，系統無法完成您的要求。',
  'error.code': '錯誤代碼',
  'error.description': '詳細說明',
  'error.request_id': '請求編號',
  'error.support': '如需協助，請將錯誤代碼與請求編號提供給所屬學校資訊組或系統管理者。',
} satisfies Record<string, string>;

export type MessageKey = keyof typeof zhTW;

const en: Record<MessageKey, string> = {
  'site.name': 'Education Single Sign‑On',
  'site.name_alt': '教育網路單一帳號',
  'layout.skip_to_content': 'Skip to main content',
  'layout.language': 'Language',
  'lang.zh-TW': '中文',
  'lang.en': 'English',
  'footer.org': 'Education Bureau',
  'footer.org_alt': '教育處',
  'footer.security': 'Never share your password. Our staff will never ask for it by phone or e-mail.',
  'common.error_prefix': 'Error: ',
  'common.opens_new_window': ' (opens in a new window)',

  'password.invalid_credentials': 'Incorrect username or password.',
  'password.account_disabled': "This account has been disabled. Please contact your school's IT office.",
  'password.too_short': 'The password must be at least 8 characters long.',
  'password.too_long': 'The password is too long. Please choose a shorter one.',
  'password.too_common':
    'This password is too common or too easy to guess (such as a birthday or a run of digits). Please choose another one.',
  'password.contains_username': 'The password must not contain your username.',
  'password.mismatch': 'The two new passwords do not match. Please enter them again.',
  'password.current_invalid': 'The current password is incorrect.',
  'password.same_as_old': 'The new password must be different from the old one.',
  'csrf.invalid': 'The form has expired. Please try again.',
  'input.invalid': 'Some of the information you entered is not valid. Please check it and try again.',
  'interaction.expired': 'Your sign-in session has expired. Go back to the application and start again.',
  'rate_limit.exceeded': 'Too many attempts. Please wait a few minutes and try again.',
  server_error: 'The system could not process your request. Please try again later.',

  'oidc.invalid_request': 'The application sent an invalid sign-in request.',
  'oidc.invalid_client':
    "This application is not recognised. Please contact the application's administrator.",
  'oidc.invalid_redirect_uri':
    "This application's return address is not registered. Please contact the application's administrator.",
  'oidc.unauthorized_client': 'This application is not allowed to use this kind of sign-in.',
  'oidc.invalid_scope': 'The application asked for a permission that is not supported.',
  'oidc.access_denied': 'The request was denied.',
  'oidc.login_required': 'Please sign in first.',
  'oidc.session_not_found': 'Your sign-in could not be found. Go back to the application and sign in again.',

  'login.title': 'Sign in',
  'login.subtitle': 'Sign in to continue to {client}',
  'login.username': 'Username',
  'login.username_hint': 'Enter your username in lower case, without the @domain part',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.other_methods': 'Or sign in with',
  'login.forgot_hint': "Forgot your username or password? Ask your school's IT office for help.",
  'login.cancel': 'Cancel and return to the application',
  'method.certificate': 'Citizen Digital Certificate',
  'method.fido': 'Mobile Citizen Digital Certificate',
  'method.passkey': 'Passkey',

  'consent.title': 'Authorize access',
  'consent.heading': '{client} wants to access your account',
  'consent.signed_in_as': 'Signed in as {account}',
  'consent.scopes_heading': 'If you allow it, this application will be able to:',
  'consent.claims_heading': 'Information that will be shared with the application',
  'consent.revoke_hint': 'You can revoke this consent at any time: ask your school’s IT staff.',
  'consent.policy': '{client} privacy policy',
  'consent.tos': '{client} terms of service',
  'consent.allow': 'Allow',
  'consent.deny': 'Deny',
  'consent.scope_unknown': 'Access "{scope}" data',
  'scope.openid': 'Confirm your identity (your account identifier)',
  'scope.profile': 'Read your basic profile: name and username',
  'scope.email': 'Read your e-mail address',
  'scope.offline_access': 'Keep access to this information while you are signed out, until you revoke it',
  'scope.eduinfo': 'Read your school, role (student, teacher or staff) and class',
  'scope.openid2': 'Read your former county OpenID identifier',
  'claim.sub': 'Account identifier',
  'claim.name': 'Full name',
  'claim.given_name': 'Given name',
  'claim.family_name': 'Family name',
  'claim.preferred_username': 'Username',
  'claim.email': 'E-mail address',
  'claim.email_verified': 'E-mail verified',
  'claim.updated_at': 'Profile last updated',
  'claim.schoolid': 'School code',
  'claim.titles': 'Role and job title',
  'claim.classinfo': 'Class',
  'claim.openid2_id': 'County OpenID identifier',

  'change_password.title': 'Change your password',
  'change_password.intro': 'To protect your account, you must set a new password before you continue.',
  'change_password.account': 'Account: {username}',
  'change_password.new': 'New password',
  'change_password.confirm': 'Confirm new password',
  'change_password.rules':
    'At least 8 characters. Long passwords and passphrases are welcome; common passwords are rejected.',
  'change_password.submit': 'Change password and continue',

  'logout.title': 'Sign out',
  'logout.question': 'Do you want to sign out?',
  'logout.body': 'You will be signed out of Education Single Sign-On.',
  'logout.body_client': '{client} is asking to sign you out of Education Single Sign-On.',
  'logout.confirm': 'Sign out',
  'logout.cancel': 'Cancel',
  'logged_out.title': 'You have signed out',
  'logged_out.body': 'You have signed out of Education Single Sign-On.',
  'logged_out.body_client': 'You have signed out of {client} and Education Single Sign-On.',
  'logged_out.shared_device': 'If you are using a shared computer, close all browser windows.',

  'error.title': 'Something went wrong',
  'error.lead': 'Sorry, we could not complete your request.',
  'error.code': 'Error code',
  'error.description': 'Details',
  'error.request_id': 'Request ID',
  'error.support': "If you need help, give the error code and request ID to your school's IT office.",
};

const catalogues: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = { 'zh-TW': zhTW, en };

export function isLocale(v: unknown): v is Locale {
  return typeof v === 'string' && (LOCALES as readonly string[]).includes(v);
}

export function isMessageKey(v: unknown): v is MessageKey {
  return typeof v === 'string' && Object.hasOwn(zhTW, v);
}

/** BCP 47 tag for <html lang>; zh-Hant-TW tells screen readers and fonts it is Traditional Chinese. */
export function htmlLang(locale: Locale): string {
  return locale === 'zh-TW' ? 'zh-Hant-TW' : 'en';
}

/** Maps a language tag to a supported locale; any Chinese is served zh-TW, the only Chinese we have. */
function matchLocale(tag: string): Locale | undefined {
  const lower = tag.toLowerCase();
  if (lower === 'zh' || lower.startsWith('zh-') || lower.startsWith('zh_')) return 'zh-TW';
  if (lower === 'en' || lower.startsWith('en-') || lower.startsWith('en_')) return 'en';
  return undefined;
}

/** Splits a ui_locales (space-separated) or Accept-Language (comma-separated, q-weighted) value. */
function parseTags(candidate: string): string[] {
  return candidate
    .replace(/\s*;\s*/g, ';')
    .split(/[\s,]+/)
    .map((part, index) => {
      const [tag = '', ...params] = part.split(';');
      const q = params.find((p) => p.startsWith('q='));
      const weight = q === undefined ? 1 : Number(q.slice(2));
      return { tag, weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((e) => e.tag !== '' && e.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index)
    .map((e) => e.tag);
}

/**
 * Picks the first supported locale from the candidates in order (for example a `lang` query
 * parameter or cookie, then `ui_locales`, then Accept-Language). Defaults to zh-TW.
 */
export function negotiateLocale(...candidates: Array<string | undefined | null>): Locale {
  for (const candidate of candidates) {
    if (!candidate) continue;
    for (const tag of parseTags(candidate)) {
      const locale = matchLocale(tag);
      if (locale) return locale;
    }
  }
  return DEFAULT_LOCALE;
}

/** Looks up a message and fills its {name} placeholders; unknown placeholders are left as they are. */
export function t(locale: Locale, key: MessageKey, params?: Record<string, string | number>): string {
  const template = catalogues[locale][key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (match, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : match,
  );
}

/** Turns an error code from the server into a message; unknown codes get `fallback`, so no code leaks raw. */
export function messageFor(locale: Locale, code: string, fallback: MessageKey = 'input.invalid'): string {
  return t(locale, isMessageKey(code) ? code : fallback);
}
