/**
 * TW FidO checksums (reference §8.3, FOUND): sp_checksum and idp_checksum are both
 * AES_GCM_HEX(SHA256_HEX(payload)).
 *
 *   payload  = the fields concatenated in order, "" for an absent one
 *   digest   = SHA-256 of the UTF-8 payload as 64 lower-case hex characters
 *   checksum = hex(iv) + hex(AES-256-GCM(key, iv, bytes of those hex characters) ‖ 128-bit tag)
 *
 * with an all-zero 12-byte IV. The fixed IV makes the checksum deterministic, which is what
 * the service expects; it is a keyed integrity check on a digest, not confidentiality.
 * Verification decrypts (which also checks the tag) and compares with a fresh digest.
 */
import { createCipheriv, createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';

const ZERO_IV = Buffer.alloc(12);
const IV_HEX = ZERO_IV.toString('hex');

export type ChecksumField = string | null | undefined;

function digestHex(fields: readonly ChecksumField[]): string {
  return createHash('sha256')
    .update(fields.map((f) => f ?? '').join(''), 'utf8')
    .digest('hex');
}

export function computeChecksum(key: Buffer, fields: readonly ChecksumField[]): string {
  const cipher = createCipheriv('aes-256-gcm', key, ZERO_IV, { authTagLength: 16 });
  const ct = Buffer.concat([cipher.update(digestHex(fields), 'ascii'), cipher.final(), cipher.getAuthTag()]);
  return IV_HEX + ct.toString('hex');
}

/** True when the checksum decrypts under the key and holds the digest of these fields. */
export function verifyChecksum(key: Buffer, checksum: unknown, fields: readonly ChecksumField[]): boolean {
  if (typeof checksum !== 'string' || !/^[0-9a-fA-F]+$/.test(checksum)) return false;
  // 12-byte IV + 64 hex characters of ciphertext + 16-byte tag
  if (checksum.length !== 24 + 128 + 32) return false;
  const iv = Buffer.from(checksum.slice(0, 24), 'hex');
  const body = Buffer.from(checksum.slice(24), 'hex');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
    decipher.setAuthTag(body.subarray(body.length - 16));
    const plain = Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]);
    const expected = Buffer.from(digestHex(fields), 'ascii');
    return plain.length === expected.length && timingSafeEqual(plain, expected);
  } catch {
    return false;
  }
}
