/**
 * Usernames for imported students, from the configured rule (STUDENT_USERNAME_RULE, default
 * '{schoolcode}s{seq:5}'). Tokens:
 *   {schoolcode}        the school's MOE code, lower-cased
 *   {year[:N]}          the ROC school year (115); {grade[:N]}, {class[:N]}, {seat[:N]}: zero-padded to N
 *   {birth:yyyymmdd}    the birth date; also {birth:yyyy} and {birth:mmdd}
 *   {seq:N}             the next free number for the text before it, zero-padded to N; allocated
 *                       by the import under a lock on that text (see import.ts), so concurrent
 *                       imports never hand out the same number
 *   {random:N}          N lower-case base-36 characters
 * Literal text may use a-z, 0-9, '.', '_' and '-'. A rule must tell students apart: it needs
 * {seq:N}, {random:N} or {seat}. Only literal text may follow {seq:N}.
 */
import { randomInt } from 'node:crypto';
import { defineErrors } from '../../errors.js';
import { normalizeUsername } from '../accounts.js';

export const usernameRuleErrors = defineErrors('roster', {
  // an operator's configuration problem, not the uploader's: reported, never a bare 500
  invalid_username_rule: { status: 500, message: 'roster.invalid_username_rule' },
});

type Token =
  | { kind: 'literal'; text: string }
  | { kind: 'schoolcode' }
  | { kind: 'year' | 'grade' | 'class' | 'seat'; width: number }
  | { kind: 'birth'; format: 'yyyymmdd' | 'yyyy' | 'mmdd' }
  | { kind: 'seq'; width: number }
  | { kind: 'random'; length: number };

export interface UsernameRule {
  readonly source: string;
  readonly tokens: readonly Token[];
  /** has {seq:N}: numbers are allocated per prefix (the text before the token) */
  readonly sequential: boolean;
  /** has {seat}: a student without a seat number cannot get a username */
  readonly usesSeat: boolean;
}

/** Everything the tokens of one student's username are made of. */
export interface UsernameContext {
  schoolCode: string;
  schoolYear: number;
  grade: number;
  classNo: number;
  seat: number | null;
  /** YYYY-MM-DD */
  birthDate: string;
}

const MAX_USERNAME_LENGTH = 64;
const LITERAL = /^[a-z0-9._-]*$/;
const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

/** @throws roster.invalid_username_rule naming what is wrong. */
export function parseUsernameRule(source: string): UsernameRule {
  const invalid = (why: string) =>
    usernameRuleErrors.invalid_username_rule(`invalid student username rule "${source}": ${why}`);
  const tokens: Token[] = [];
  const pattern = /\{([a-z]+)(?::([a-z0-9]+))?\}/gi;
  let last = 0;
  const literal = (text: string) => {
    if (!text) return;
    if (/[{}]/.test(text)) throw invalid(`unbalanced brace in "${text}"`);
    if (!LITERAL.test(text)) throw invalid(`literal text "${text}" may use only a-z, 0-9, '.', '_' and '-'`);
    tokens.push({ kind: 'literal', text });
  };
  const width = (arg: string | undefined, token: string, min: number, max: number, required: boolean) => {
    if (arg === undefined) {
      if (required) throw invalid(`{${token}} needs a length, e.g. {${token}:5}`);
      return 0;
    }
    const n = /^\d+$/.test(arg) ? Number(arg) : Number.NaN;
    if (!(n >= min && n <= max)) throw invalid(`{${token}:${arg}}: the length must be ${min} to ${max}`);
    return n;
  };
  for (let m = pattern.exec(source); m; m = pattern.exec(source)) {
    literal(source.slice(last, m.index));
    last = m.index + m[0].length;
    const name = m[1]!;
    const arg = m[2];
    switch (name) {
      case 'schoolcode':
        if (arg !== undefined) throw invalid('{schoolcode} takes no argument');
        tokens.push({ kind: 'schoolcode' });
        break;
      case 'year':
      case 'grade':
      case 'class':
      case 'seat':
        tokens.push({ kind: name, width: width(arg, name, 1, 4, false) });
        break;
      case 'birth':
        if (arg !== 'yyyymmdd' && arg !== 'yyyy' && arg !== 'mmdd') {
          throw invalid('{birth} needs a format: {birth:yyyymmdd}, {birth:yyyy} or {birth:mmdd}');
        }
        tokens.push({ kind: 'birth', format: arg });
        break;
      case 'seq':
        tokens.push({ kind: 'seq', width: width(arg, name, 1, 9, true) });
        break;
      case 'random':
        tokens.push({ kind: 'random', length: width(arg, name, 4, 16, true) });
        break;
      default:
        throw invalid(`unknown token {${m[0].slice(1, -1)}}`);
    }
  }
  literal(source.slice(last));

  const seqAt = tokens.findIndex((t) => t.kind === 'seq');
  const count = (kind: Token['kind']) => tokens.filter((t) => t.kind === kind).length;
  if (count('seq') > 1) throw invalid('{seq:N} may appear only once');
  if (seqAt >= 0 && count('random') > 0) throw invalid('use either {seq:N} or {random:N}, not both');
  if (seqAt >= 0 && tokens.slice(seqAt + 1).some((t) => t.kind !== 'literal')) {
    throw invalid('only literal text may follow {seq:N}');
  }
  if (!count('seq') && !count('random') && !count('seat')) {
    throw invalid('the rule needs {seq:N}, {random:N} or {seat} to tell students apart');
  }
  return { source, tokens, sequential: seqAt >= 0, usesSeat: count('seat') > 0 };
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

function renderToken(t: Token, ctx: UsernameContext): string {
  switch (t.kind) {
    case 'literal':
      return t.text;
    case 'schoolcode':
      return ctx.schoolCode.toLowerCase();
    case 'year':
      return pad(ctx.schoolYear, t.width);
    case 'grade':
      return pad(ctx.grade, t.width);
    case 'class':
      return pad(ctx.classNo, t.width);
    case 'seat':
      // the preview flags such rows; this is reached only if the rule changed since
      if (ctx.seat === null) {
        throw usernameRuleErrors.invalid_username_rule(
          `the rule uses {seat} and a student has no seat number`,
        );
      }
      return pad(ctx.seat, t.width);
    case 'birth': {
      const [y, m, d] = ctx.birthDate.split('-') as [string, string, string];
      return t.format === 'yyyy' ? y : t.format === 'mmdd' ? `${m}${d}` : `${y}${m}${d}`;
    }
    case 'random':
      return Array.from({ length: t.length }, () => BASE36[randomInt(36)]).join('');
    case 'seq':
      return '';
  }
}

/**
 * For a {seq:N} rule: the text before and after the number. The import locks the prefix,
 * reads the largest number in use and hands out the next ones (usernameWithSeq).
 */
export function usernameAffixes(
  rule: UsernameRule,
  ctx: UsernameContext,
): { prefix: string; suffix: string } {
  const at = rule.tokens.findIndex((t) => t.kind === 'seq');
  const render = (tokens: readonly Token[]) => tokens.map((t) => renderToken(t, ctx)).join('');
  return { prefix: render(rule.tokens.slice(0, at)), suffix: render(rule.tokens.slice(at + 1)) };
}

export function usernameWithSeq(
  rule: UsernameRule,
  affixes: { prefix: string; suffix: string },
  seq: number,
) {
  const token = rule.tokens.find((t) => t.kind === 'seq') as { width: number };
  return checkUsername(rule, `${affixes.prefix}${pad(seq, token.width)}${affixes.suffix}`);
}

/** The whole username for a rule without {seq:N} ({random:N} draws anew on every call). */
export function renderUsername(rule: UsernameRule, ctx: UsernameContext): string {
  return checkUsername(rule, rule.tokens.map((t) => renderToken(t, ctx)).join(''));
}

/** @throws roster.invalid_username_rule when the result is not a valid username */
function checkUsername(rule: UsernameRule, username: string): string {
  if (!username || normalizeUsername(username) !== username || !/^[a-z0-9]/.test(username)) {
    throw usernameRuleErrors.invalid_username_rule(
      `the student username rule "${rule.source}" gives "${username}", which is not a valid username`,
    );
  }
  if (username.length > MAX_USERNAME_LENGTH) {
    throw usernameRuleErrors.invalid_username_rule(
      `the student username rule "${rule.source}" gives a username over ${MAX_USERNAME_LENGTH} characters`,
    );
  }
  return username;
}
