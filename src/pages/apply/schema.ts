/**
 * The application form at the edge: folds what people type (full-width digits from a Chinese
 * IME, +886, dashes in phone numbers, upper-case e-mail) and reports each bad field by name.
 */
import { z } from 'zod';
import { isMessageKey } from '../../../views/index.js';
import { normalizeUsername } from '../../services/accounts.js';
import { type ApplicationInput, InputErrors, isValidUsername } from '../../services/applications.js';
import { isValidNationalId } from '../../services/national-id.js';

const folded = (max: number) =>
  z
    .string()
    .max(max * 4)
    .transform((s) => s.normalize('NFKC').trim());

// zod 4 treats a key whose schema transforms as required unless .optional() comes first
const optional = (max: number) =>
  folded(max)
    .optional()
    .transform((s) => s || undefined);

/** 0912-345-678, +886 912 345 678, ０９１２３４５６７８ → 0912345678 */
export function normalizeMobile(input: string): string {
  const digits = input.normalize('NFKC').replace(/[\s\-().]/g, '');
  return digits.replace(/^\+?886(?=9)/, '0');
}

/** 設備組長、幼兒園教師, 午餐秘書 → [設備組長, 幼兒園教師, 午餐秘書] */
const splitTitles = (s: string) =>
  s
    .split(/[,，、;；\n]/)
    .map((p) => p.trim())
    .filter(Boolean);

const schema = z.object({
  real_name: folded(50).pipe(
    z
      .string()
      .min(1, 'apply.invalid.real_name')
      .refine((s) => [...s].length <= 50 && !/\p{Cc}/u.test(s), 'apply.invalid.real_name'),
  ),
  email: folded(254)
    .transform((s) => s.toLowerCase())
    .pipe(z.email('apply.invalid.email').max(254, 'apply.invalid.email')),
  mobile: folded(20)
    .transform(normalizeMobile)
    .pipe(z.string().regex(/^09\d{8}$/, 'apply.invalid.mobile')),
  school_id: z.string('apply.invalid.school').min(1, 'apply.invalid.school').max(64, 'apply.invalid.school'),
  identity_type: z.enum(['teacher', 'staff', 'other'], 'apply.invalid.identity_type'),
  titles: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : typeof v === 'string' ? [v] : v)),
  titles_other: optional(200),
  national_id: optional(20).refine((s) => s === undefined || isValidNationalId(s), 'national_id.invalid'),
  username: optional(64).refine(
    (s) => s === undefined || isValidUsername(normalizeUsername(s)),
    'application.username_invalid',
  ),
  requests_school_admin: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => v !== undefined && v !== ''),
});

/**
 * @throws InputErrors naming each bad field (the message code of its first problem)
 */
export function parseApplicationForm(body: unknown): ApplicationInput {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? 'form');
      fields[name] ??= isMessageKey(issue.message) ? issue.message : `apply.invalid.${name}`;
    }
    throw new InputErrors(fields);
  }
  const d = parsed.data;
  const titles = [...d.titles.map((t) => t.trim()), ...splitTitles(d.titles_other ?? '')].filter(Boolean);
  if (titles.length > 20 || titles.some((t) => [...t].length > 30)) {
    throw new InputErrors({ titles: 'apply.invalid.titles' });
  }
  return {
    realName: d.real_name,
    email: d.email,
    mobile: d.mobile,
    schoolId: d.school_id,
    identityType: d.identity_type,
    requestedTitles: titles,
    requestedUsername: d.username && normalizeUsername(d.username),
    requestsSchoolAdmin: d.requests_school_admin,
    nationalId: d.national_id,
  };
}
