/**
 * 新帳號申請: the public application form (seeds 003 step 5: 真實姓名, 公務信箱, 手機號碼; the
 * 身份別說明 of seeds 000). A plain POST form; on error it comes back with every field as typed
 * and each field's own message.
 */
import { csrfField, errorAlert } from '../fragments.js';
import { html, type SafeHtml } from '../html.js';
import { type Locale, t } from '../i18n.js';
import { type LayoutProps, layout } from '../layout.js';
import {
  describedBy,
  type FieldErrors,
  type FormInput,
  fieldError,
  typedValue,
  typedValues,
} from './fields.js';

export type SchoolLevel = 'elementary' | 'junior' | 'senior' | 'other';

export interface SchoolChoice {
  id: string;
  name: string;
  level: SchoolLevel;
}

export interface ApplyPageProps {
  locale: Locale;
  action: string;
  csrf: string;
  schools: readonly SchoolChoice[];
  /** what was typed, when the form comes back */
  input?: FormInput;
  /** a message key or error code for the box above the form */
  error?: string | undefined;
  /** field name → message key */
  fields?: FieldErrors;
  langHrefs?: LayoutProps['langHrefs'];
}

/** Titles offered as checkboxes; the value is what RPs receive, so it stays in Chinese. */
export const COMMON_TITLES: ReadonlyArray<readonly [title: string, english: string]> = [
  ['教師', 'Teacher'],
  ['導師', 'Homeroom teacher'],
  ['資訊組長', 'IT coordinator'],
  ['教務主任', 'Director of academic affairs'],
  ['學務主任', 'Director of student affairs'],
  ['總務主任', 'Director of general affairs'],
  ['輔導主任', 'Director of counseling'],
  ['校長', 'Principal'],
  ['職員', 'Staff'],
  ['志工', 'Volunteer'],
  ['家長', 'Parent'],
];

const LEVELS: readonly SchoolLevel[] = ['elementary', 'junior', 'senior', 'other'];
const IDENTITY_TYPES = ['teacher', 'staff', 'other'] as const;

function schoolSelect(p: ApplyPageProps): SafeHtml {
  const { locale, fields } = p;
  const chosen = typedValue(p.input, 'school_id');
  const groups = LEVELS.map((level) => {
    const schools = p.schools.filter((s) => s.level === level);
    if (schools.length === 0) return null;
    return html`<optgroup label="${t(locale, `apply.level.${level}`)}">${schools.map(
      (s) => html`<option value="${s.id}"${s.id === chosen && html` selected`}>${s.name}</option>`,
    )}</optgroup>`;
  });
  return html`<div class="field">
    <label class="field__label" for="school_id">${t(locale, 'apply.school')}</label>
    <select class="input" id="school_id" name="school_id" required${describedBy(fields, 'school_id')}>
      <option value="">${t(locale, 'apply.school_placeholder')}</option>
      ${groups}
    </select>
    ${fieldError(locale, fields, 'school_id')}
  </div>`;
}

function identityFieldset(p: ApplyPageProps): SafeHtml {
  const { locale, fields } = p;
  const chosen = typedValue(p.input, 'identity_type');
  return html`<fieldset class="field"${describedBy(fields, 'identity_type', 'identity-help')}>
    <legend class="field__label">${t(locale, 'apply.identity_type')}</legend>
    <div class="field__hint" id="identity-help">
      <p><strong>${t(locale, 'apply.identity_help_title')}</strong></p>
      <ul>
        <li>${t(locale, 'apply.identity_help_student')}</li>
        <li>${t(locale, 'apply.identity_help_staff')}</li>
        <li>${t(locale, 'apply.identity_help_other')}</li>
      </ul>
    </div>
    ${IDENTITY_TYPES.map(
      (type) =>
        html`<label class="choice"><input type="radio" name="identity_type" value="${type}" required${type === chosen && html` checked`}> ${t(locale, `apply.identity.${type}`)}</label>`,
    )}
    ${fieldError(locale, fields, 'identity_type')}
  </fieldset>`;
}

function titlesFieldset(p: ApplyPageProps): SafeHtml {
  const { locale, fields } = p;
  const chosen = new Set(typedValues(p.input, 'titles'));
  return html`<fieldset class="field"${describedBy(fields, 'titles', 'titles-hint')}>
    <legend class="field__label">${t(locale, 'apply.titles')}</legend>
    <p class="field__hint" id="titles-hint">${t(locale, 'apply.titles_hint')}</p>
    ${COMMON_TITLES.map(
      ([title, english]) =>
        html`<label class="choice"><input type="checkbox" name="titles" value="${title}"${chosen.has(title) && html` checked`}> ${title}${locale === 'en' && html` <span lang="en">(${english})</span>`}</label>`,
    )}
    <label class="field__label" for="titles_other">${t(locale, 'apply.titles_other')}</label>
    <p class="field__hint" id="titles-other-hint">${t(locale, 'apply.titles_other_hint')}</p>
    <input class="input" id="titles_other" name="titles_other" type="text" maxlength="200" value="${typedValue(p.input, 'titles_other')}" aria-describedby="titles-other-hint">
    ${fieldError(locale, fields, 'titles')}
  </fieldset>`;
}

function textField(
  p: ApplyPageProps,
  name: string,
  o: {
    label: string;
    hint?: string;
    type?: string;
    autocomplete?: string;
    required?: boolean;
    extra?: SafeHtml;
  },
): SafeHtml {
  const { locale, fields } = p;
  const hintId = o.hint ? `${name}-hint` : undefined;
  return html`<div class="field">
    <label class="field__label" for="${name}">${o.label}</label>
    ${o.hint && html`<p class="field__hint" id="${hintId}">${o.hint}</p>`}
    <input class="input" id="${name}" name="${name}" type="${o.type ?? 'text'}" value="${typedValue(p.input, name)}"${o.autocomplete && html` autocomplete="${o.autocomplete}"`}${o.required && html` required`}${o.extra}${describedBy(fields, name, hintId)}>
    ${fieldError(locale, fields, name)}
  </div>`;
}

export function applyPage(p: ApplyPageProps): string {
  const { locale } = p;
  const schoolAdmin = typedValue(p.input, 'requests_school_admin') !== '';
  const body = html`<h1 class="card__title">${t(locale, 'apply.title')}</h1>
<p class="card__subtitle">${t(locale, 'apply.intro')}</p>
${errorAlert(locale, p.error)}
<form class="form" method="post" action="${p.action}">
  ${csrfField(p.csrf)}
  ${textField(p, 'real_name', { label: t(locale, 'apply.real_name'), autocomplete: 'name', required: true, extra: html` maxlength="50"` })}
  ${textField(p, 'email', { label: t(locale, 'apply.email'), hint: t(locale, 'apply.email_hint'), type: 'email', autocomplete: 'email', required: true, extra: html` maxlength="254" spellcheck="false"` })}
  ${textField(p, 'mobile', { label: t(locale, 'apply.mobile'), hint: t(locale, 'apply.mobile_hint'), type: 'tel', autocomplete: 'tel-national', required: true, extra: html` maxlength="20" inputmode="numeric"` })}
  ${schoolSelect(p)}
  ${identityFieldset(p)}
  ${titlesFieldset(p)}
  ${textField(p, 'national_id', { label: t(locale, 'apply.national_id'), hint: t(locale, 'apply.national_id_hint'), autocomplete: 'off', extra: html` maxlength="20" autocapitalize="characters" spellcheck="false"` })}
  ${textField(p, 'username', { label: t(locale, 'apply.username'), hint: t(locale, 'apply.username_hint'), autocomplete: 'username', extra: html` maxlength="64" autocapitalize="none" spellcheck="false"` })}
  <div class="field">
    <label class="choice"><input type="checkbox" name="requests_school_admin" value="1" aria-describedby="school-admin-hint"${schoolAdmin && html` checked`}> ${t(locale, 'apply.school_admin')}</label>
    <p class="field__hint" id="school-admin-hint">${t(locale, 'apply.school_admin_hint')}</p>
  </div>
  <button class="button button--primary button--block" type="submit">${t(locale, 'apply.submit')}</button>
</form>`;
  return layout({ locale, title: t(locale, 'apply.title'), body, langHrefs: p.langHrefs });
}
