/**
 * Building blocks of console pages: data tables with a filter row and pagination in the
 * seeds' style ("1 - 10 / 23"), form fields that keep what was typed and show their error,
 * and a definition list for record views. Everything is escaped by html``.
 */
import { csrfField, safeHref } from '../fragments.js';
import { html, type SafeHtml } from '../html.js';
import type { Locale } from '../i18n.js';
import { tc } from './common.js';
import { adminMessage } from './messages.js';

export interface Column {
  label: string;
  /** a numeric column is right-aligned */
  numeric?: boolean;
}

export function dataTable(
  locale: Locale,
  p: {
    caption?: string;
    columns: Column[];
    rows: Array<Array<SafeHtml | string | number | null>>;
    id?: string;
  },
): SafeHtml {
  const head = p.columns.map((c) => html`<th scope="col"${c.numeric && html` class="num"`}>${c.label}</th>`);
  const body =
    p.rows.length === 0
      ? html`<tr><td colspan="${p.columns.length}" class="data-table__empty">${tc(locale, 'table.empty')}</td></tr>`
      : p.rows.map(
          (r) =>
            html`<tr>${r.map((cell, i) => html`<td${p.columns[i]?.numeric && html` class="num"`}>${cell ?? ''}</td>`)}</tr>`,
        );
  return html`<div class="table-wrap"><table class="data-table"${p.id && html` id="${p.id}"`}>${p.caption && html`<caption>${p.caption}</caption>`}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

export interface Page {
  offset: number;
  limit: number;
  total: number;
}

/** Reads ?page=&size= (1-based page, size 10/25/50/100). */
export function pageFromQuery(query: Record<string, unknown>): { offset: number; limit: number } {
  const size = Number(query.size);
  const limit = [10, 25, 50, 100].includes(size) ? size : 10;
  const page = Math.max(1, Math.min(100_000, Number.parseInt(String(query.page ?? '1'), 10) || 1));
  return { offset: (page - 1) * limit, limit };
}

/** "1 - 10 / 23" with previous/next links that keep the other query parameters. */
export function pagination(
  locale: Locale,
  page: Page,
  basePath: string,
  query: Record<string, unknown>,
): SafeHtml {
  const from = page.total === 0 ? 0 : page.offset + 1;
  const to = Math.min(page.offset + page.limit, page.total);
  const current = Math.floor(page.offset / page.limit) + 1;
  const href = (n: number) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (k !== 'page' && k !== 'lang' && typeof v === 'string' && v !== '') params.set(k, v);
    }
    params.set('page', String(n));
    return `${basePath}?${params.toString()}`;
  };
  return html`<nav class="pagination" aria-label="${tc(locale, 'pagination.label')}">
<span class="pagination__range">${tc(locale, 'pagination.range', { from, to, total: page.total })} (${page.total})</span>
${current > 1 ? html`<a class="pagination__link" rel="prev" href="${href(current - 1)}">${tc(locale, 'pagination.prev')}</a>` : null}
${to < page.total ? html`<a class="pagination__link" rel="next" href="${href(current + 1)}">${tc(locale, 'pagination.next')}</a>` : null}
</nav>`;
}

export interface FilterField {
  name: string;
  label: string;
  value?: string | undefined;
  /** a select when options are given, else a text input */
  options?: Array<{ value: string; label: string }>;
}

/** The filter row above a table (GET form) with the seeds' "Reset filters" link. */
export function filterBar(
  locale: Locale,
  p: { action: string; fields: FilterField[]; size?: number },
): SafeHtml {
  const fields = p.fields.map((f) => {
    const id = `filter-${f.name}`;
    const control = f.options
      ? html`<select id="${id}" name="${f.name}"><option value="">${tc(locale, 'filter.any')}</option>${f.options.map(
          (o) =>
            html`<option value="${o.value}"${o.value === f.value && html` selected`}>${o.label}</option>`,
        )}</select>`
      : html`<input id="${id}" name="${f.name}" type="search" value="${f.value ?? ''}" autocomplete="off">`;
    return html`<div class="filter-bar__field"><label for="${id}">${f.label}</label>${control}</div>`;
  });
  return html`<form class="filter-bar" method="get" action="${safeHref(p.action) ?? '#'}">
${fields}
${p.size && html`<input type="hidden" name="size" value="${p.size}">`}
<div class="filter-bar__actions"><button type="submit" class="button button--small">${tc(locale, 'filter.submit')}</button> <a class="filter-bar__reset" href="${safeHref(p.action) ?? '#'}">${tc(locale, 'filter.reset')}</a></div>
</form>`;
}

export interface FieldProps {
  name: string;
  label: string;
  value?: string | undefined;
  type?: 'text' | 'email' | 'tel' | 'date' | 'number' | 'password' | 'textarea' | 'checkbox';
  required?: boolean;
  options?: Array<{ value: string; label: string }>;
  hint?: string;
  /** an error code for this field */
  error?: string | undefined;
  checked?: boolean;
  autocomplete?: string;
}

export function field(locale: Locale, f: FieldProps): SafeHtml {
  const id = `field-${f.name}`;
  const describedBy = [f.hint && `${id}-hint`, f.error && `${id}-error`].filter(Boolean).join(' ');
  const aria = html`${describedBy && html` aria-describedby="${describedBy}"`}${f.error && html` aria-invalid="true"`}${f.required && html` required`}`;
  let control: SafeHtml;
  if (f.options) {
    control = html`<select id="${id}" name="${f.name}"${aria}><option value=""></option>${f.options.map(
      (o) => html`<option value="${o.value}"${o.value === f.value && html` selected`}>${o.label}</option>`,
    )}</select>`;
  } else if (f.type === 'textarea') {
    control = html`<textarea id="${id}" name="${f.name}" rows="3"${aria}>${f.value ?? ''}</textarea>`;
  } else if (f.type === 'checkbox') {
    return html`<div class="field field--checkbox"><input id="${id}" name="${f.name}" type="checkbox" value="1"${f.checked && html` checked`}${aria}> <label for="${id}">${f.label}</label>${f.hint && html`<p class="field__hint" id="${id}-hint">${f.hint}</p>`}${f.error && html`<p class="field__error" id="${id}-error">${adminMessage(locale, f.error)}</p>`}</div>`;
  } else {
    control = html`<input id="${id}" name="${f.name}" type="${f.type ?? 'text'}" value="${f.value ?? ''}"${f.autocomplete && html` autocomplete="${f.autocomplete}"`}${aria}>`;
  }
  return html`<div class="field${f.error ? ' field--invalid' : ''}"><label for="${id}">${f.label}${f.required && html` <span class="field__required">${tc(locale, 'form.required')}</span>`}</label>${f.hint && html`<p class="field__hint" id="${id}-hint">${f.hint}</p>`}${control}${f.error && html`<p class="field__error" id="${id}-error">${adminMessage(locale, f.error)}</p>`}</div>`;
}

/** A POST form with its CSRF field. */
export function postForm(
  csrf: string,
  p: {
    action: string;
    body: SafeHtml | SafeHtml[];
    submit: string;
    className?: string;
    danger?: boolean;
    enctype?: string;
  },
): SafeHtml {
  return html`<form class="${p.className ?? 'admin-form'}" method="post" action="${safeHref(p.action) ?? '#'}"${p.enctype && html` enctype="${p.enctype}"`}>${csrfField(csrf)}${p.body}<div class="admin-form__actions"><button type="submit" class="button${p.danger ? ' button--danger' : ''}">${p.submit}</button></div></form>`;
}

/** A one-button POST form (enable, disable, approve...). */
export function actionButton(
  csrf: string,
  p: { action: string; label: string; danger?: boolean; fields?: Record<string, string> },
): SafeHtml {
  return html`<form class="inline-form" method="post" action="${safeHref(p.action) ?? '#'}">${csrfField(csrf)}${Object.entries(p.fields ?? {}).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}<button type="submit" class="button button--small${p.danger ? ' button--danger' : ' button--secondary'}">${p.label}</button></form>`;
}

export function definitionList(
  items: Array<[string, SafeHtml | string | number | null | undefined]>,
): SafeHtml {
  return html`<dl class="record">${items.map(([k, v]) => html`<div class="record__row"><dt>${k}</dt><dd>${v ?? '—'}</dd></div>`)}</dl>`;
}

export function formError(locale: Locale, code: string | undefined): SafeHtml | null {
  if (!code) return null;
  return html`<div class="alert alert--error" role="alert" id="form-error"><p class="alert__text">${adminMessage(locale, code)}</p></div>`;
}

export function link(href: string, label: string): SafeHtml {
  return html`<a href="${safeHref(href) ?? '#'}">${label}</a>`;
}
