/**
 * Taiwan national ID (身分證字號) and resident certificate numbers (統一證號, old and new style):
 * validation with the checksum of reference §11, masking, and the sealed/hashed storage form.
 * The full number is never shown: pages and APIs get the masked form (A12****789) only.
 */
import { defineErrors } from '../errors.js';
import type { SecretBox } from './secret-box.js';

export const nationalIdErrors = defineErrors('national_id', {
  invalid: { message: 'national_id.invalid' },
  taken: { status: 409, message: 'national_id.taken' },
});

// reference §11.2: letter → two-digit code; I, O, W, Z are out of sequence
const LETTER_CODES: Readonly<Record<string, number>> = {
  A: 10,
  B: 11,
  C: 12,
  D: 13,
  E: 14,
  F: 15,
  G: 16,
  H: 17,
  I: 34,
  J: 18,
  K: 19,
  L: 20,
  M: 21,
  N: 22,
  O: 35,
  P: 23,
  Q: 24,
  R: 25,
  S: 26,
  T: 27,
  U: 28,
  V: 29,
  W: 32,
  X: 30,
  Y: 31,
  Z: 33,
};

export type NationalIdKind = 'national_id' | 'resident_new' | 'resident_old';

/** Trims, folds full-width input and upper-cases (a Chinese IME types Ａ１２…). */
export function normalizeNationalId(input: string): string {
  return input.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}

/** The kind of a well-formed, checksum-valid number; undefined for anything else. */
export function nationalIdKind(input: string): NationalIdKind | undefined {
  const id = normalizeNationalId(input);
  let kind: NationalIdKind;
  if (/^[A-Z][12]\d{8}$/.test(id)) kind = 'national_id';
  else if (/^[A-Z][89]\d{8}$/.test(id)) kind = 'resident_new';
  else if (/^[A-Z][A-D]\d{8}$/.test(id)) kind = 'resident_old';
  else return undefined;
  // a placeholder every system has seen typed in (reference §11.3)
  if (id.endsWith('123456789')) return undefined;
  const code = LETTER_CODES[id[0]!]!;
  // old style: the second letter counts as the units digit of its own letter code
  const second = kind === 'resident_old' ? LETTER_CODES[id[1]!]! % 10 : Number(id[1]);
  const digits = [second, ...id.slice(2).split('').map(Number)];
  let sum = Math.floor(code / 10) + 9 * (code % 10);
  for (let i = 0; i < 8; i++) sum += (8 - i) * digits[i]!;
  sum += digits[8]!;
  return sum % 10 === 0 ? kind : undefined;
}

export function isValidNationalId(input: string): boolean {
  return nationalIdKind(input) !== undefined;
}

/** A12****789: letter and two characters, four stars, last three. */
export function maskNationalId(input: string): string {
  const id = normalizeNationalId(input);
  return `${id.slice(0, 3)}****${id.slice(-3)}`;
}

/** What the accounts (and applications) table stores for a number. */
export interface SealedNationalId {
  sealed: string;
  hash: string;
  masked: string;
}

const CONTEXT = 'national-id';

/**
 * @throws national_id.invalid for a malformed or checksum-failing number.
 */
export function sealNationalId(box: SecretBox, input: string): SealedNationalId {
  const id = normalizeNationalId(input);
  if (!isValidNationalId(id)) throw nationalIdErrors.invalid();
  return { sealed: box.encrypt(id, CONTEXT), hash: box.hash(id, CONTEXT), masked: maskNationalId(id) };
}

/** The keyed hash to look a number up by (one person, one account). */
export function hashNationalId(box: SecretBox, input: string): string {
  return box.hash(normalizeNationalId(input), CONTEXT);
}

/** Only for deriving per-person identifiers (personid, guid); never for display. */
export function unsealNationalId(box: SecretBox, sealed: string): string {
  return box.decrypt(sealed, CONTEXT);
}

/**
 * Test and demo numbers: a letter and second character plus seven chosen digits, with the
 * check digit solved for (reference §11.3: never use real people's numbers).
 */
export function withCheckDigit(first9: string): string {
  for (let c = 0; c <= 9; c++) {
    if (isValidNationalId(`${first9}${c}`)) return `${first9}${c}`;
  }
  throw new Error(`no check digit makes ${first9}? valid`);
}
