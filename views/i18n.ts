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
  // login policy and step-up (provider/policy.ts, interactions/login-policy.ts)
  'step_up.required': '此應用程式需要較高等級的驗證，請改用下列方式登入。',
  'step_up.required_passkey': '此應用程式需要較高等級的驗證（自然人憑證或通行金鑰）',
  'step_up.required_certificate': '此應用程式需要較高等級的驗證（自然人憑證）',
  'step_up.no_method': '您的帳號沒有可用於此應用程式的登入方式，請洽學校資訊組。',
  'step_up.method_not_allowed': '此應用程式不接受這種登入方式，請改用頁面上的其他方式登入。',
  'step_up.too_weak': '此應用程式需要較高等級的驗證，這種登入方式不夠，請改用頁面上的其他方式登入。',
  'step_up.other_account': '請以目前登入的同一個帳號完成驗證；如要改用其他帳號，請先登出。',

  // 自然人憑證 (card) login and /account/certificate
  'certificate.title': '自然人憑證登入',
  'certificate.intro':
    '請將自然人憑證插入讀卡機，輸入 PIN 碼後按「登入」。瀏覽器會開啟自然人憑證元件的小視窗完成簽章。',
  'certificate.pin': 'PIN 碼',
  'certificate.pin_hint': 'PIN 碼只會交給您電腦上的自然人憑證元件，不會傳送到本網站。',
  'certificate.submit': '登入',
  'certificate.working': '正在與自然人憑證元件連線，請稍候…',
  'certificate.needs_js':
    '自然人憑證登入需要在電腦上安裝並啟動「自然人憑證跨平台網頁元件」（HiPKI LocalServer），並啟用瀏覽器的 JavaScript。無法使用時，請改用帳號密碼登入。',
  'certificate.use_password': '改用帳號密碼或其他方式登入',
  'certificate.checklist_title': '讀不到卡片時，請依序確認：',
  'certificate.check_reader': '讀卡機已接上電腦，驅動程式已安裝，且 Smart Card 服務已啟動',
  'certificate.check_card': '自然人憑證已插入讀卡機，晶片方向正確',
  'certificate.check_signer': '已安裝並啟動「自然人憑證跨平台網頁元件」',
  'certificate.renewal_title': '自然人憑證即將到期',
  'certificate.renewal_body': '您的自然人憑證將於 {date} 到期（剩餘 {days} 天）。',
  'certificate.renewal_how':
    '請儘早至戶政事務所或內政部憑證管理中心網站辦理展期，以免到期後無法以自然人憑證登入。',
  'certificate.continue': '我知道了，繼續',
  'certificate.invalid_input': '送出的資料不正確，請再試一次。',
  'certificate.needs_signer':
    '沒有收到自然人憑證的簽章。請安裝自然人憑證元件並啟用 JavaScript 後再試一次，或改用帳號密碼登入。',
  'certificate.no_signer':
    '偵測不到自然人憑證元件。請確認已安裝並啟動「自然人憑證跨平台網頁元件」後再試一次。',
  'certificate.popup_blocked': '瀏覽器擋下了自然人憑證元件的視窗，請允許本網站開啟彈出式視窗後再試一次。',
  'certificate.no_card': '讀不到自然人憑證卡片，請將卡片插入讀卡機（注意晶片方向）後再試一次。',
  'certificate.no_reader': '找不到讀卡機，請確認讀卡機已接上電腦並已安裝驅動程式。',
  'certificate.pin_required': '請輸入 PIN 碼。',
  'certificate.wrong_pin': 'PIN 碼錯誤，請重新輸入。連續輸入錯誤將會鎖卡。',
  'certificate.wrong_pin_2_left': 'PIN 碼錯誤，還可以再試 2 次，連續輸錯將會鎖卡。',
  'certificate.wrong_pin_1_left': 'PIN 碼錯誤，只剩最後 1 次機會，再輸錯將會鎖卡。',
  'certificate.pin_length': 'PIN 碼長度不正確：自然人憑證的 PIN 碼為 6 到 8 位數字。',
  'certificate.card_locked':
    '卡片已鎖住（PIN 碼錯誤次數過多），請至戶政事務所或以內政部憑證管理中心的服務解鎖。',
  'certificate.cancelled': '簽章已取消，請再試一次。',
  'certificate.domain_not_allowed': '自然人憑證元件尚未允許本網站使用，請在元件的提示中允許後再試一次。',
  'certificate.signer_failed': '自然人憑證元件無法完成簽章，請重新插入卡片後再試一次。',
  'certificate.challenge_expired': '這次驗證已逾時或已使用過，請重新操作一次。',
  'certificate.invalid_signature': '自然人憑證的簽章驗證失敗，請再試一次。',
  'certificate.nonce_mismatch': '簽章內容與這次登入不符，請重新操作一次。',
  'certificate.untrusted': '這張憑證不是由內政部憑證管理中心簽發的自然人憑證，無法使用。',
  'certificate.expired': '這張自然人憑證已過期，請至戶政事務所辦理展期或重新申請。',
  'certificate.not_yet_valid': '這張自然人憑證尚未生效。',
  'certificate.key_usage': '這張憑證不能用於簽章登入，請使用自然人憑證的簽章用憑證。',
  'certificate.revoked': '這張自然人憑證已被廢止，無法使用。',
  'certificate.revocation_unavailable':
    '暫時無法確認憑證狀態（憑證查詢服務沒有回應），請稍後再試，或改用帳號密碼登入。',
  'certificate.not_registered':
    '這張自然人憑證尚未註冊。請先以帳號密碼登入，至「自然人憑證管理」註冊後即可使用。',
  'certificate.already_bound': '這張自然人憑證已註冊在其他帳號。',
  'certificate.id_mismatch': '憑證上的身分證字號末四碼與帳號資料不符，無法註冊。',
  'certificate.not_found': '找不到這筆自然人憑證資料。',
  'account_certificate.title': '自然人憑證管理',
  'account_certificate.signed_in_as': '目前登入帳號：{account}',
  'account_certificate.intro': '註冊自然人憑證後，登入時即可選擇「自然人憑證登入」。',
  'account_certificate.empty': '尚未註冊自然人憑證。',
  'account_certificate.list_heading': '已註冊的自然人憑證',
  'account_certificate.name': '憑證姓名',
  'account_certificate.issuer': '簽發單位',
  'account_certificate.serial': '憑證序號',
  'account_certificate.id_last_four': '身分證末四碼',
  'account_certificate.not_after': '有效期限',
  'account_certificate.last_used': '上次使用',
  'account_certificate.never_used': '尚未使用',
  'account_certificate.remove': '移除',
  'account_certificate.add_heading': '註冊自然人憑證',
  'account_certificate.submit': '註冊憑證',
  'account_certificate.added': '自然人憑證已註冊完成，之後可直接以自然人憑證登入。',
  'account_certificate.removed': '已移除這張自然人憑證。',
  'account_certificate.name_differs': '憑證上的姓名與帳號姓名不同',
  'account_certificate.name_differs_detail':
    '憑證上的姓名為「{cert}」，帳號姓名為「{account}」。若帳號姓名有誤，請洽所屬學校資訊組更正。',

  // 行動自然人憑證 (TW FidO): methods/fido, views/methods/fido.ts
  'fido.title': '行動自然人憑證登入',
  'fido.intro': '請輸入身分證字號，再以手機上的「行動自然人憑證」App 確認登入。',
  'fido.national_id': '身分證字號',
  'fido.national_id_hint': '例如 A123456789。只用來向內政部行動自然人憑證系統發出這次登入要求。',
  'fido.mode': '確認方式',
  'fido.mode_qr': '顯示 QR Code，用手機 App 掃描',
  'fido.mode_push': '推播通知到我的手機',
  'fido.submit': '下一步',
  'fido.back': '改用其他方式登入',
  'fido.wait_title': '請在手機上確認登入',
  'fido.wait_qr': '請開啟手機上的「行動自然人憑證」App，掃描下方的 QR Code，再以指紋或臉部辨識確認。',
  'fido.wait_push': '登入通知已傳送到您的手機，請點選通知，再以指紋或臉部辨識確認。',
  'fido.code': '確認碼（手機上應顯示相同號碼）',
  'fido.qr_alt': '行動自然人憑證登入用的 QR Code',
  'fido.wait_refresh': '此頁每 {seconds} 秒自動檢查一次結果，約 {remaining} 秒後逾時。',
  'fido.wait_check': '我已在手機上確認，立即檢查',
  'fido.bind_title': '連結您的帳號',
  'fido.bind_intro':
    '手機已確認您的身分。第一次以行動自然人憑證登入，請輸入帳號與密碼連結帳號；之後只要在手機上確認即可登入。',
  'fido.bind_for': '身分證字號：{masked}',
  'fido.bind_submit': '連結帳號並登入',
  'fido.help':
    '行動自然人憑證（App 註冊、手機設定）相關問題請洽內政部客服：0800-080-117，cse@moica.nat.gov.tw',
  'fido.not_registered':
    '這個身分證字號尚未註冊行動自然人憑證。請先在手機安裝「行動自然人憑證」App 完成註冊，或改用其他方式登入。',
  'fido.no_device':
    '找不到可用的手機：行動自然人憑證需要在已設定生物辨識（指紋或臉部辨識）的手機上註冊（Android 7、iOS 14 以上）。請先在手機設定生物辨識並在 App 完成註冊，或改用其他方式登入。',
  'fido.timed_out': '等待手機確認已逾時，請重新開始。',
  'fido.ticket_used': '這次登入要求已經使用過了，請重新開始。',
  'fido.denied': '您已在手機上拒絕（取消）這次登入。',
  'fido.sign_failed': '手機簽章沒有成功，請再試一次。',
  'fido.push_unavailable': '無法推播到您的手機（可能換過手機或重新安裝 App），請改用 QR Code 掃描。',
  'fido.service_error': '行動自然人憑證服務暫時無法使用，請稍後再試，或改用其他方式登入。',
  'fido.signature_invalid': '無法驗證手機的簽章，請重新開始。',
  'fido.certificate_invalid': '憑證未通過驗證：不是內政部核發的有效憑證、已過期，或與輸入的身分證字號不符。',
  'fido.already_bound':
    '這張行動自然人憑證已連結其他帳號，或這個帳號已連結其他人的憑證。請洽所屬學校資訊組。',
  'fido.bind_mismatch': '這個帳號登記的身分證字號與手機確認的不同，無法連結。請洽所屬學校資訊組。',
  'fido.restart': '這次登入已結束或逾時，請重新輸入身分證字號。',

  // passkeys: the login method (methods/passkey) and the account page (/account/passkeys)
  'passkey.title': '使用通行金鑰登入',
  'passkey.intro': '使用這部裝置或手機上的通行金鑰登入，並以指紋、臉部辨識或螢幕鎖定確認是您本人。',
  'passkey.start': '使用通行金鑰',
  'passkey.working': '請依照裝置上的指示完成驗證…',
  'passkey.needs_js': '通行金鑰需要啟用 JavaScript。請啟用後重新整理此頁，或改用帳號密碼登入：',
  'passkey.unsupported': '這個瀏覽器不支援通行金鑰，請改用其他登入方式。',
  'passkey.cancelled': '通行金鑰驗證沒有完成，請再試一次。',
  'passkey.exists': '這部裝置上已經有您的通行金鑰了。',
  'passkey.other_methods': '改用其他方式登入',
  'passkey.challenge_expired': '通行金鑰驗證已逾時或已經使用過，請再按一次按鈕。',
  'passkey.invalid_response': '沒有收到通行金鑰的回應，請再試一次。',
  'passkey.unknown_credential': '這個通行金鑰未在本系統登記。請先以帳號密碼登入，再到「通行金鑰」頁面新增。',
  'passkey.verification_failed': '通行金鑰驗證失敗，請再試一次。',
  'passkey.counter_regressed':
    '通行金鑰驗證失敗：這個金鑰可能遭到複製。請改用其他方式登入，並洽所屬學校資訊組。',
  'passkey.already_registered': '這個通行金鑰已經登記過了。',
  'passkey.not_found': '找不到這個通行金鑰。',
  'passkey.invalid_name': '請輸入 1 到 64 個字的名稱。',
  'account_passkeys.title': '通行金鑰',
  'account_passkeys.intro': '通行金鑰讓您不必輸入密碼，用裝置的指紋、臉部辨識或螢幕鎖定就能登入。',
  'account_passkeys.signed_in_as': '目前登入帳號：{account}',
  'account_passkeys.list_caption': '您的通行金鑰',
  'account_passkeys.empty': '您還沒有新增任何通行金鑰。',
  'account_passkeys.name': '名稱',
  'account_passkeys.kind': '類型',
  'account_passkeys.synced': '可跨裝置同步',
  'account_passkeys.device_bound': '僅限單一裝置',
  'account_passkeys.created': '新增時間',
  'account_passkeys.last_used': '上次使用',
  'account_passkeys.never_used': '尚未使用',
  'account_passkeys.actions': '操作',
  'account_passkeys.rename': '重新命名',
  'account_passkeys.new_name': '新名稱',
  'account_passkeys.delete': '刪除',
  'account_passkeys.add_heading': '新增通行金鑰',
  'account_passkeys.name_hint': '例如「我的手機」，方便日後辨認。',
  'account_passkeys.default_name': '我的通行金鑰',
  'account_passkeys.add': '新增通行金鑰',
  'account_passkeys.needs_js': '新增通行金鑰需要啟用 JavaScript。',
  'account_passkeys.added': '已新增通行金鑰。',
  'account_passkeys.renamed': '已重新命名通行金鑰。',
  'account_passkeys.deleted': '已刪除通行金鑰。',
  'account_passkeys.login_failed': '無法確認您的登入狀態，請重新登入。',
  'account_passkeys.sign_in_again': '重新登入',

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
  'scope.personid': '取得代表您個人的固定識別碼（不含身分證字號）',
  'scope.guid': '取得代表您個人的全域識別碼（不含身分證字號）',
  'scope.admin': '以您的管理權限管理帳號與學校資料',
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

  // passOne 一次登入 (methods/pass-one)
  'pass_one.title': 'passOne 一次登入',
  'pass_one.intro': '限學生帳號使用：請輸入您的帳號與老師發給您的通行碼。',
  'pass_one.username': '帳號',
  'pass_one.code': '通行碼',
  'pass_one.code_hint': '例如 ABCD-EFGH-JK，大小寫皆可，橫線可省略',
  'pass_one.submit': '登入',
  'pass_one.after': '登入成功後，請立即重設密碼，並記住您的新密碼。',
  'pass_one.invalid_code': '帳號或通行碼錯誤。',
  'pass_one.expired': '通行碼已超過使用期限，請向老師索取新的通行碼。',
  'pass_one.used': '此通行碼已使用過，請向老師索取新的通行碼。',
  'pass_one.revoked': '老師已為您建立新的通行碼，請改用最新的通行碼。',
  'pass_one.ip_not_allowed': 'passOne 一次登入僅限在學校網路（教育網路或學校白名單）使用。',
  'pass_one.done_title': '密碼已更新',
  'pass_one.done_body': '您的新密碼已設定完成，請回到應用程式登入。',
  'pass_one.done_account': '帳號：{username}',
  'pass_one.start_over': '請重新從 passOne 一次登入頁面開始。',
  'pass_one.start_over_link': '回到 passOne 一次登入',

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

  // new account application (新帳號申請) and one-time account links
  'apply.title': '新帳號申請',
  'apply.intro':
    '教職員及其他人員（如志工、家長）請填寫下列資料。送出後系統會寄出信箱驗證碼與手機驗證碼，兩者都完成驗證，申請才會送交審核。',
  'apply.identity_help_title': '身份別說明',
  'apply.identity_help_student': '國中小學生請使用學籍資料申請（由學校匯入），不必在此申請。',
  'apply.identity_help_staff': '教職員身份才能使用教師進修網帳號漫遊、教師個人網站及教育處相關主題網站。',
  'apply.identity_help_other': '其他身份：如志工、家長等僅需用無線（上網）認證之人員。',
  'apply.real_name': '真實姓名',
  'apply.email': '公務信箱',
  'apply.email_hint': '驗證碼與審核結果都會寄到這個信箱，教職員請使用學校或機關信箱。',
  'apply.mobile': '手機號碼',
  'apply.mobile_hint': '格式：09xxxxxxxx，將傳送簡訊驗證碼。',
  'apply.school': '學校',
  'apply.school_placeholder': '請選擇學校',
  'apply.level.elementary': '國小',
  'apply.level.junior': '國中',
  'apply.level.senior': '高中',
  'apply.level.other': '其他',
  'apply.identity_type': '身份別',
  'apply.identity.teacher': '教師',
  'apply.identity.staff': '職員',
  'apply.identity.other': '其他（如志工、家長）',
  'apply.titles': '職稱',
  'apply.titles_hint': '可複選。',
  'apply.titles_other': '其他職稱',
  'apply.titles_other_hint': '以頓號或逗號分隔，例如：設備組長、幼兒園教師',
  'apply.national_id': '身分證字號或居留證號（選填）',
  'apply.national_id_hint': '用於確認一人一帳號。系統加密保存，畫面上只顯示遮罩後的號碼。',
  'apply.username': '希望使用的帳號（選填）',
  'apply.username_hint':
    '小寫英文字母、數字及 . _ -，2 至 64 字元。未填寫時使用信箱 @ 前的部分；若已被使用，審核者會另行指定。',
  'apply.school_admin': '申請學校管理者',
  'apply.school_admin_hint': '學校管理者負責審核本校的帳號申請並管理本校帳號；此項申請由縣市管理者審核。',
  'apply.submit': '送出並寄送驗證碼',
  'apply.invalid.real_name': '請輸入真實姓名（50 字以內）。',
  'apply.invalid.email': '請輸入有效的電子郵件信箱。',
  'apply.invalid.mobile': '請輸入 09 開頭的 10 碼手機號碼。',
  'apply.invalid.school': '請選擇學校。',
  'apply.invalid.identity_type': '請選擇身份別。',
  'apply.invalid.titles': '職稱最多 20 個，每個 30 字以內。',
  'apply.verify.title': '驗證信箱與手機',
  'apply.verify.intro': '驗證碼已寄到信箱 {email} 及手機 {mobile}，請在 {minutes} 分鐘內輸入。',
  'apply.verify.email_code': '信箱驗證碼',
  'apply.verify.sms_code': '手機驗證碼',
  'apply.verify.email_done': '信箱已完成驗證',
  'apply.verify.sms_done': '手機已完成驗證',
  'apply.verify.submit': '確認',
  'apply.verify.resend_hint': '沒收到驗證碼？請先檢查垃圾郵件匣，每 60 秒可重新寄送一次',
  'apply.verify.resend_email': '重新寄送信箱驗證碼',
  'apply.verify.resend_sms': '重新傳送手機驗證碼',
  'apply.verify.sent_email': '已重新寄送信箱驗證碼。',
  'apply.verify.sent_sms': '已重新傳送手機驗證碼。',
  'apply.submitted.title': '申請已送出',
  'apply.submitted.body': '您的申請已送交 {school} 審核。',
  'apply.submitted.decided': '這份申請已審核完成。',
  'apply.submitted.next': '審核結果會以電子郵件通知；核准後，信中附有設定密碼的連結。',
  'verification.required': '請輸入驗證碼。',
  'verification.invalid': '驗證碼不正確，請再試一次。',
  'verification.expired': '驗證碼已過期，請重新寄送驗證碼。',
  'verification.too_many_attempts': '驗證碼輸入錯誤次數過多，請重新寄送驗證碼。',
  'verification.resend_too_soon': '驗證碼剛寄出，請稍候 60 秒再重新寄送。',
  'verification.send_limit': '寄送次數過多，請稍後再試。',
  'messaging.send_failed': '信件或簡訊無法寄出，請確認信箱與手機號碼正確，或稍後再試。',
  'application.not_found': '找不到這份申請。請在提出申請的瀏覽器中繼續，或重新申請。',
  'application.already_decided': '這份申請已經審核過了。',
  'application.not_verified': '這份申請尚未完成信箱與手機驗證。',
  'application.username_invalid':
    '帳號只能使用小寫英文字母、數字及 . _ -，2 至 64 字元，並以英文字母或數字開頭。',
  'application.username_taken': '這個帳號已有人使用，請指定其他帳號。',
  'application.titles_invalid': '職稱最多 20 個，每個 30 字以內。',
  'application.reason_required': '請填寫不核准的原因。',
  'application.reason_too_long': '原因請在 1000 字以內。',
  'national_id.invalid': '身分證字號或居留證號的格式或檢查碼不正確。',
  'national_id.taken': '此身分證字號已有帳號（一人一帳號）。',
  'account_link.invalid': '這個連結無效。請確認連結完整，或洽所屬學校資訊組重新寄送。',
  'account_link.expired': '這個連結已過期，請洽所屬學校資訊組重新寄送。',
  'account_link.used': '這個連結已使用過或已失效。如需重設密碼，請洽所屬學校資訊組。',
  'account_link.account_not_found': '找不到這個帳號。',
  'set_password.activate_title': '啟用帳號',
  'set_password.activate_intro': '請設定密碼以啟用您的帳號。',
  'set_password.reset_title': '重設密碼',
  'set_password.reset_intro': '請為您的帳號設定新密碼。',
  'set_password.submit': '設定密碼',
  'password_set.title': '密碼已設定',
  'password_set.body': '帳號 {username} 的密碼已設定完成。',
  'password_set.next': '請回到要使用的服務，以帳號與新密碼登入。',
  'login.forgot_link': '忘記密碼？',
  'forgot.title': '忘記密碼',
  'forgot.intro':
    '請輸入您的帳號（或已驗證的電子郵件）。若帳號有已驗證的電子郵件，我們會寄出一次性的重設密碼連結。',
  'forgot.identifier': '帳號或電子郵件',
  'forgot.submit': '寄送重設連結',
  'forgot.student_hint': '學生若沒有已驗證的電子郵件，請洽導師使用 passOne 一次登入。',
  'forgot.sent_title': '請查看您的電子郵件',
  'forgot.sent_body': '若您有已驗證的電子郵件，重設連結已寄出；學生請洽導師使用 passOne 一次登入。',
  'forgot.sent_next':
    '連結僅能使用一次，並會在一段時間後失效。沒有收到信時，請檢查垃圾郵件，或洽所屬學校資訊組。',
  'forgot.back': '返回登入',
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
  'step_up.required': 'This application needs a stronger sign-in. Please use one of the methods below.',
  'step_up.required_passkey':
    'This application needs a stronger sign-in (a Citizen Digital Certificate or a passkey)',
  'step_up.required_certificate': 'This application needs a stronger sign-in (a Citizen Digital Certificate)',
  'step_up.no_method':
    "Your account has no sign-in method this application accepts. Ask your school's IT office.",
  'step_up.method_not_allowed':
    'This application does not accept this sign-in method. Please use another method on this page.',
  'step_up.too_weak':
    'This application needs a stronger sign-in than this method. Please use another method on this page.',
  'step_up.other_account':
    'Please confirm with the account that is already signed in. To use another account, sign out first.',

  'certificate.title': 'Citizen Digital Certificate',
  'certificate.intro':
    'Insert your Citizen Digital Certificate card into the reader, enter its PIN and choose "Sign in". Your browser opens a small window of the card software to sign.',
  'certificate.pin': 'PIN',
  'certificate.pin_hint': 'The PIN goes only to the card software on your computer, never to this site.',
  'certificate.submit': 'Sign in',
  'certificate.working': 'Connecting to the card software…',
  'certificate.needs_js':
    'Signing in with the card needs the HiPKI LocalServer card software running on your computer and JavaScript enabled in your browser. Otherwise, sign in with your username and password.',
  'certificate.use_password': 'Use your password or another method',
  'certificate.checklist_title': 'If the card cannot be read, check that:',
  'certificate.check_reader':
    'the card reader is connected, its driver installed and the Smart Card service running',
  'certificate.check_card': 'the card is in the reader, chip the right way round',
  'certificate.check_signer': 'the HiPKI LocalServer card software is installed and running',
  'certificate.renewal_title': 'Your certificate expires soon',
  'certificate.renewal_body': 'Your Citizen Digital Certificate expires on {date} ({days} days left).',
  'certificate.renewal_how':
    'Please renew it soon at a household registration office or on the MOICA website, or you will no longer be able to sign in with it.',
  'certificate.continue': 'OK, continue',
  'certificate.invalid_input': 'The submitted data is not valid. Please try again.',
  'certificate.needs_signer':
    'No card signature was received. Install the card software and enable JavaScript, then try again, or sign in with your password.',
  'certificate.no_signer':
    'The card software was not found. Make sure HiPKI LocalServer is installed and running, then try again.',
  'certificate.popup_blocked':
    'Your browser blocked the card software window. Allow pop-ups for this site and try again.',
  'certificate.no_card':
    'No card was found. Insert your card into the reader (chip the right way round) and try again.',
  'certificate.no_reader':
    'No card reader was found. Connect the reader and make sure its driver is installed.',
  'certificate.pin_required': 'Please enter your PIN.',
  'certificate.wrong_pin': 'Wrong PIN. Please try again; repeated wrong PINs lock the card.',
  'certificate.wrong_pin_2_left': 'Wrong PIN. 2 tries left before the card locks.',
  'certificate.wrong_pin_1_left': 'Wrong PIN. Only 1 try left before the card locks.',
  'certificate.pin_length': 'The PIN has the wrong length: card PINs have 6 to 8 digits.',
  'certificate.card_locked':
    'The card is locked after too many wrong PINs. Unlock it at a household registration office or with the MOICA service.',
  'certificate.cancelled': 'Signing was cancelled. Please try again.',
  'certificate.domain_not_allowed':
    'The card software has not allowed this site yet. Allow it when the software asks, then try again.',
  'certificate.signer_failed': 'The card software could not sign. Re-insert the card and try again.',
  'certificate.challenge_expired': 'This attempt expired or was already used. Please start again.',
  'certificate.invalid_signature': 'The card signature could not be verified. Please try again.',
  'certificate.nonce_mismatch': 'The signature does not belong to this sign-in. Please start again.',
  'certificate.untrusted': 'This certificate was not issued by MOICA and cannot be used.',
  'certificate.expired':
    'This certificate has expired. Renew it at a household registration office or apply for a new one.',
  'certificate.not_yet_valid': 'This certificate is not valid yet.',
  'certificate.key_usage': 'This certificate cannot sign in; use the signing certificate of your card.',
  'certificate.revoked': 'This certificate has been revoked and cannot be used.',
  'certificate.revocation_unavailable':
    'The certificate status cannot be checked right now (the status service does not answer). Please try again later or sign in with your password.',
  'certificate.not_registered':
    'This certificate is not registered yet. Sign in with your password and register it under "Citizen Digital Certificate" first.',
  'certificate.already_bound': 'This certificate is registered to another account.',
  'certificate.id_mismatch':
    'The last four digits of the ID number on the certificate do not match your account, so it cannot be registered.',
  'certificate.not_found': 'This certificate record was not found.',
  'account_certificate.title': 'Citizen Digital Certificate',
  'account_certificate.signed_in_as': 'Signed in as {account}',
  'account_certificate.intro':
    'Once your certificate is registered, you can choose "Citizen Digital Certificate" when you sign in.',
  'account_certificate.empty': 'No certificate is registered.',
  'account_certificate.list_heading': 'Registered certificates',
  'account_certificate.name': 'Name on certificate',
  'account_certificate.issuer': 'Issuer',
  'account_certificate.serial': 'Serial number',
  'account_certificate.id_last_four': 'Last 4 ID digits',
  'account_certificate.not_after': 'Valid until',
  'account_certificate.last_used': 'Last used',
  'account_certificate.never_used': 'Not used yet',
  'account_certificate.remove': 'Remove',
  'account_certificate.add_heading': 'Register a certificate',
  'account_certificate.submit': 'Register certificate',
  'account_certificate.added': 'Your certificate is registered. You can now sign in with it.',
  'account_certificate.removed': 'The certificate was removed.',
  'account_certificate.name_differs': 'The name on the certificate differs from the account name',
  'account_certificate.name_differs_detail':
    'The certificate says "{cert}", the account says "{account}". If the account name is wrong, ask your school\'s IT office to correct it.',

  'fido.title': 'Sign in with the Mobile Citizen Digital Certificate',
  'fido.intro':
    'Enter your national ID, then confirm the sign-in in the Mobile Citizen Digital Certificate (行動自然人憑證) app on your phone.',
  'fido.national_id': 'National ID',
  'fido.national_id_hint':
    "For example A123456789. It is only used to send this sign-in request to the Ministry of the Interior's service.",
  'fido.mode': 'How to confirm',
  'fido.mode_qr': 'Show a QR code to scan with the app',
  'fido.mode_push': 'Send a notification to my phone',
  'fido.submit': 'Next',
  'fido.back': 'Use another way to sign in',
  'fido.wait_title': 'Confirm on your phone',
  'fido.wait_qr':
    'Open the Mobile Citizen Digital Certificate app on your phone, scan the QR code below, then confirm with your fingerprint or face.',
  'fido.wait_push':
    'We sent a notification to your phone. Tap it, then confirm with your fingerprint or face.',
  'fido.code': 'Confirmation code (your phone should show the same)',
  'fido.qr_alt': 'QR code for signing in with the Mobile Citizen Digital Certificate',
  'fido.wait_refresh':
    'This page checks for the result every {seconds} seconds; the request expires in about {remaining} seconds.',
  'fido.wait_check': 'I have confirmed on my phone: check now',
  'fido.bind_title': 'Link your account',
  'fido.bind_intro':
    'Your phone has confirmed who you are. The first time, enter your username and password to link your account; after that, confirming on your phone is enough.',
  'fido.bind_for': 'National ID: {masked}',
  'fido.bind_submit': 'Link account and sign in',
  'fido.help':
    'For help with the app (registration, phone settings), call the Ministry of the Interior on 0800-080-117 or write to cse@moica.nat.gov.tw.',
  'fido.not_registered':
    'This national ID has no Mobile Citizen Digital Certificate yet. Install the app on your phone and register first, or use another way to sign in.',
  'fido.no_device':
    'No usable phone was found: the Mobile Citizen Digital Certificate needs a phone with biometrics (fingerprint or face) set up, Android 7 or iOS 14 or later. Set up biometrics and register in the app, or use another way to sign in.',
  'fido.timed_out': 'The confirmation on your phone timed out. Please start again.',
  'fido.ticket_used': 'This sign-in request has already been used. Please start again.',
  'fido.denied': 'You declined (cancelled) this sign-in on your phone.',
  'fido.sign_failed': 'Your phone could not sign. Please try again.',
  'fido.push_unavailable':
    'We could not reach your phone by notification (a new phone or a reinstalled app?). Please scan the QR code instead.',
  'fido.service_error':
    'The Mobile Citizen Digital Certificate service is not available right now. Please try again later, or use another way to sign in.',
  'fido.signature_invalid': "Your phone's signature could not be verified. Please start again.",
  'fido.certificate_invalid':
    'The certificate was not accepted: it is not a valid certificate of the Ministry of the Interior, it has expired, or it belongs to another national ID.',
  'fido.already_bound':
    "This certificate is already linked to another account, or this account is linked to someone else's certificate. Please contact your school's IT office.",
  'fido.bind_mismatch':
    "The national ID on record for this account is not the one your phone confirmed, so they cannot be linked. Please contact your school's IT office.",
  'fido.restart': 'This sign-in has ended or expired. Please enter your national ID again.',

  'passkey.title': 'Sign in with a passkey',
  'passkey.intro':
    'Use a passkey on this device or your phone, confirmed with your fingerprint, face or screen lock.',
  'passkey.start': 'Use a passkey',
  'passkey.working': 'Follow the prompt on your device…',
  'passkey.needs_js':
    'Passkeys need JavaScript. Turn it on and reload this page, or sign in with your username and password:',
  'passkey.unsupported': 'This browser does not support passkeys. Please use another sign-in method.',
  'passkey.cancelled': 'The passkey check was not completed. Please try again.',
  'passkey.exists': 'This device already holds a passkey of yours.',
  'passkey.other_methods': 'Use another sign-in method',
  'passkey.challenge_expired':
    'The passkey request expired or was already used. Please press the button again.',
  'passkey.invalid_response': 'No passkey response was received. Please try again.',
  'passkey.unknown_credential':
    'This passkey is not registered here. Sign in with your password first, then add it on the Passkeys page.',
  'passkey.verification_failed': 'The passkey could not be verified. Please try again.',
  'passkey.counter_regressed':
    "The passkey could not be verified: it may have been copied. Use another sign-in method and contact your school's IT staff.",
  'passkey.already_registered': 'This passkey is already registered.',
  'passkey.not_found': 'That passkey was not found.',
  'passkey.invalid_name': 'Enter a name of 1 to 64 characters.',
  'account_passkeys.title': 'Passkeys',
  'account_passkeys.intro':
    "Passkeys let you sign in without a password, with your device's fingerprint, face or screen lock.",
  'account_passkeys.signed_in_as': 'Signed in as {account}',
  'account_passkeys.list_caption': 'Your passkeys',
  'account_passkeys.empty': 'You have not added a passkey yet.',
  'account_passkeys.name': 'Name',
  'account_passkeys.kind': 'Kind',
  'account_passkeys.synced': 'Synced across devices',
  'account_passkeys.device_bound': 'This device only',
  'account_passkeys.created': 'Added',
  'account_passkeys.last_used': 'Last used',
  'account_passkeys.never_used': 'Not used yet',
  'account_passkeys.actions': 'Actions',
  'account_passkeys.rename': 'Rename',
  'account_passkeys.new_name': 'New name',
  'account_passkeys.delete': 'Delete',
  'account_passkeys.add_heading': 'Add a passkey',
  'account_passkeys.name_hint': 'For example "My phone", so you can tell it apart later.',
  'account_passkeys.default_name': 'My passkey',
  'account_passkeys.add': 'Add a passkey',
  'account_passkeys.needs_js': 'Adding a passkey needs JavaScript.',
  'account_passkeys.added': 'Passkey added.',
  'account_passkeys.renamed': 'Passkey renamed.',
  'account_passkeys.deleted': 'Passkey deleted.',
  'account_passkeys.login_failed': 'Your sign-in could not be confirmed. Please sign in again.',
  'account_passkeys.sign_in_again': 'Sign in again',

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
  'scope.personid': 'Get a stable identifier for you as a person (not your national ID)',
  'scope.guid': 'Get a global identifier for you as a person (not your national ID)',
  'scope.admin': 'Manage accounts and school data with your administrative rights',
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

  // passOne 一次登入 (methods/pass-one)
  'pass_one.title': 'passOne one-time sign-in',
  'pass_one.intro': 'Students only: enter your username and the pass code your teacher gave you.',
  'pass_one.username': 'Username',
  'pass_one.code': 'Pass code',
  'pass_one.code_hint': 'For example ABCD-EFGH-JK; upper or lower case, the dashes may be left out',
  'pass_one.submit': 'Sign in',
  'pass_one.after': 'After you sign in, set a new password right away and remember it.',
  'pass_one.invalid_code': 'Incorrect username or pass code.',
  'pass_one.expired': 'This pass code has expired. Ask your teacher for a new one.',
  'pass_one.used': 'This pass code has already been used. Ask your teacher for a new one.',
  'pass_one.revoked': 'Your teacher has made a newer pass code for you. Use the newest one.',
  'pass_one.ip_not_allowed':
    'passOne sign-in works only from a school network (the education network or the school whitelist).',
  'pass_one.done_title': 'Your password is set',
  'pass_one.done_body': 'Your new password is set. Go back to the application and sign in.',
  'pass_one.done_account': 'Account: {username}',
  'pass_one.start_over': 'Please start again from the passOne sign-in page.',
  'pass_one.start_over_link': 'Back to passOne sign-in',

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

  'apply.title': 'Apply for an account',
  'apply.intro':
    'Teachers, staff and others (such as volunteers and parents) apply here. After you submit, we send a code to your e-mail and another to your mobile phone; the application goes to review once both are verified.',
  'apply.identity_help_title': 'Which identity?',
  'apply.identity_help_student':
    'Elementary and junior high school students get their accounts from the school roster; they do not apply here.',
  'apply.identity_help_staff':
    "Teachers and staff can use the teacher training network, teachers' personal websites and the Education Bureau's sites.",
  'apply.identity_help_other':
    'Other: volunteers, parents and others who only need to sign in to the wireless network.',
  'apply.real_name': 'Full legal name',
  'apply.email': 'Official e-mail address',
  'apply.email_hint':
    'The code and the review result are sent here. Teachers and staff, please use your school or agency address.',
  'apply.mobile': 'Mobile number',
  'apply.mobile_hint': 'Format: 09xxxxxxxx. We send a code by SMS.',
  'apply.school': 'School',
  'apply.school_placeholder': 'Choose a school',
  'apply.level.elementary': 'Elementary schools',
  'apply.level.junior': 'Junior high schools',
  'apply.level.senior': 'Senior high schools',
  'apply.level.other': 'Other',
  'apply.identity_type': 'Identity',
  'apply.identity.teacher': 'Teacher',
  'apply.identity.staff': 'Staff',
  'apply.identity.other': 'Other (volunteer, parent…)',
  'apply.titles': 'Job titles',
  'apply.titles_hint': 'Choose all that apply.',
  'apply.titles_other': 'Other titles',
  'apply.titles_other_hint': 'Separate them with commas, for example: 設備組長, 幼兒園教師',
  'apply.national_id': 'National ID or resident certificate number (optional)',
  'apply.national_id_hint':
    'Used to keep one account per person. It is stored encrypted and only ever shown masked.',
  'apply.username': 'Preferred username (optional)',
  'apply.username_hint':
    'Lower-case letters, digits and . _ -, 2 to 64 characters. Without one, the part of your e-mail before the @ is used; if it is taken, the reviewer picks another.',
  'apply.school_admin': 'Apply to be a school administrator',
  'apply.school_admin_hint':
    "School administrators review their school's applications and manage its accounts; the county administrator reviews this request.",
  'apply.submit': 'Submit and send the codes',
  'apply.invalid.real_name': 'Enter your full name (at most 50 characters).',
  'apply.invalid.email': 'Enter a valid e-mail address.',
  'apply.invalid.mobile': 'Enter a 10-digit mobile number starting with 09.',
  'apply.invalid.school': 'Choose a school.',
  'apply.invalid.identity_type': 'Choose an identity.',
  'apply.invalid.titles': 'At most 20 titles of at most 30 characters each.',
  'apply.verify.title': 'Verify your e-mail and mobile',
  'apply.verify.intro': 'We sent codes to {email} and to {mobile}. Enter them within {minutes} minutes.',
  'apply.verify.email_code': 'E-mail code',
  'apply.verify.sms_code': 'SMS code',
  'apply.verify.email_done': 'E-mail address verified',
  'apply.verify.sms_done': 'Mobile number verified',
  'apply.verify.submit': 'Confirm',
  'apply.verify.resend_hint': 'No code? Check your spam folder; you can resend once a minute',
  'apply.verify.resend_email': 'Resend the e-mail code',
  'apply.verify.resend_sms': 'Resend the SMS code',
  'apply.verify.sent_email': 'A new e-mail code is on its way.',
  'apply.verify.sent_sms': 'A new SMS code is on its way.',
  'apply.submitted.title': 'Application submitted',
  'apply.submitted.body': 'Your application has gone to {school} for review.',
  'apply.submitted.decided': 'This application has been reviewed.',
  'apply.submitted.next':
    'You will get the result by e-mail; if it is approved, the message has a link to set your password.',
  'verification.required': 'Enter the code.',
  'verification.invalid': 'The code is not correct. Please try again.',
  'verification.expired': 'The code has expired. Please send a new one.',
  'verification.too_many_attempts': 'Too many wrong codes. Please send a new one.',
  'verification.resend_too_soon': 'A code was just sent. Please wait a minute before sending another.',
  'verification.send_limit': 'Too many codes sent. Please try again later.',
  'messaging.send_failed':
    'The e-mail or SMS could not be sent. Check the address and number, or try again later.',
  'application.not_found':
    'This application could not be found. Continue in the browser you applied from, or apply again.',
  'application.already_decided': 'This application has already been decided.',
  'application.not_verified': 'This application has not verified its e-mail and mobile yet.',
  'application.username_invalid':
    'A username has 2 to 64 lower-case letters, digits or . _ - and starts with a letter or digit.',
  'application.username_taken': 'This username is taken. Please choose another one.',
  'application.titles_invalid': 'At most 20 titles of at most 30 characters each.',
  'application.reason_required': 'Please give the reason for not approving.',
  'application.reason_too_long': 'Please keep the reason within 1000 characters.',
  'national_id.invalid': 'The national ID or resident certificate number is not valid.',
  'national_id.taken': 'This national ID already has an account (one person, one account).',
  'account_link.invalid':
    "This link is not valid. Check that it is complete, or ask your school's IT office for a new one.",
  'account_link.expired': "This link has expired. Ask your school's IT office for a new one.",
  'account_link.used':
    "This link has already been used or replaced. To reset your password, ask your school's IT office.",
  'account_link.account_not_found': 'This account could not be found.',
  'set_password.activate_title': 'Activate your account',
  'set_password.activate_intro': 'Set a password to activate your account.',
  'set_password.reset_title': 'Reset your password',
  'set_password.reset_intro': 'Set a new password for your account.',
  'set_password.submit': 'Set password',
  'password_set.title': 'Password set',
  'password_set.body': 'The password of {username} is set.',
  'password_set.next':
    'Go back to the service you want to use and sign in with your username and new password.',
  'login.forgot_link': 'Forgot your password?',
  'forgot.title': 'Forgot password',
  'forgot.intro':
    'Enter your username (or verified e-mail address). If the account has a verified e-mail address, we send it a one-time link to reset the password.',
  'forgot.identifier': 'Username or e-mail',
  'forgot.submit': 'Send reset link',
  'forgot.student_hint':
    'Students without a verified e-mail address: ask your homeroom teacher for a passOne sign-in.',
  'forgot.sent_title': 'Check your e-mail',
  'forgot.sent_body':
    'If you have a verified e-mail address, the reset link is on its way; students, ask your homeroom teacher for a passOne sign-in.',
  'forgot.sent_next':
    "The link works once and expires after a while. No message? Check your spam folder, or ask your school's IT office.",
  'forgot.back': 'Back to sign-in',
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
