import { describe, expect, it } from '@jest/globals';
import {
  isValidNationalId,
  maskNationalId,
  nationalIdKind,
  sealNationalId,
  unsealNationalId,
  withCheckDigit,
} from '../../src/services/national-id.js';
import { createSecretBox } from '../../src/services/secret-box.js';

describe('national ID checksum (reference §11.3 worked examples)', () => {
  it.each([
    ['K221345677', 'national_id'],
    ['Z200012344', 'national_id'],
    ['H800000002', 'resident_new'],
    ['CA12345677', 'resident_old'],
  ])('accepts %s as %s', (id, kind) => {
    expect(nationalIdKind(id)).toBe(kind);
  });

  it.each([
    ['K221345678', 'checksum'],
    ['A323456789', 'format'],
    ['A123456789', 'known placeholder'],
    ['CA12345678', 'checksum'],
    ['CE12345677', 'old style second letter outside A–D'],
    ['', 'empty'],
  ])('refuses %s (%s)', (id) => {
    expect(isValidNationalId(id)).toBe(false);
  });

  it('folds full-width input, spaces and lower case before validating', () => {
    expect(isValidNationalId(' ｋ２２１３４５６７７ ')).toBe(true);
    expect(isValidNationalId('k221345677')).toBe(true);
  });

  it('solves check digits for fixtures', () => {
    const id = withCheckDigit('B12000001');
    expect(id).toMatch(/^B12000001\d$/);
    expect(isValidNationalId(id)).toBe(true);
  });
});

describe('masking and sealing', () => {
  const box = createSecretBox(Buffer.alloc(32, 7));

  it('masks as A12****789', () => {
    expect(maskNationalId('k221345677')).toBe('K22****677');
  });

  it('seals, hashes deterministically, and never stores the number in clear', () => {
    const a = sealNationalId(box, 'K221345677');
    const b = sealNationalId(box, 'k221345677');
    expect(a.hash).toBe(b.hash);
    expect(a.sealed).not.toBe(b.sealed);
    expect(a.sealed).not.toContain('K221345677');
    expect(a.masked).toBe('K22****677');
    expect(unsealNationalId(box, a.sealed)).toBe('K221345677');
  });

  it('refuses to seal an invalid number', () => {
    expect(() => sealNationalId(box, 'K221345678')).toThrow(
      expect.objectContaining({ code: 'national_id.invalid' }),
    );
  });
});
