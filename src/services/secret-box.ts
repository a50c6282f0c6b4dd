/**
 * Encryption at rest with the configured key-encryption key (AES-256-GCM), and keyed hashes
 * for bearer secrets. Output format: v1.<iv>.<tag>.<ciphertext>, base64url.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface SecretBox {
  encrypt(plain: string, context: string): string;
  decrypt(sealed: string, context: string): string;
  /** Keyed hash for high-entropy bearer secrets (client secrets, pass codes, reset links). */
  hash(secret: string, context: string): string;
  verifyHash(secret: string, stored: string, context: string): boolean;
  /**
   * HMAC-SHA256 of value under a subkey derived from the key-encryption key for label: stable
   * per-person identifiers (personid, guid) that cannot be reversed without the key.
   */
  keyedDigest(label: string, value: string): Buffer;
}

export function createSecretBox(kek: Buffer): SecretBox {
  // Separate subkeys so a hash can never be replayed as a ciphertext key and vice versa.
  const encKey = createHmac('sha256', kek).update('edu-idp/enc').digest();
  const macKey = createHmac('sha256', kek).update('edu-idp/mac').digest();
  const hash = (secret: string, context: string) =>
    `h1.${createHmac('sha256', macKey).update(context).update('\0').update(secret).digest('base64url')}`;
  return {
    encrypt(plain, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encKey, iv);
      cipher.setAAD(Buffer.from(context));
      const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv, cipher.getAuthTag(), ct]
        .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
        .join('.');
    },
    decrypt(sealed, context) {
      const [version, iv, tag, ct] = sealed.split('.');
      if (version !== 'v1' || !iv || !tag || ct === undefined) throw new Error('unrecognised sealed value');
      const decipher = createDecipheriv('aes-256-gcm', encKey, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    },
    hash,
    verifyHash(secret, stored, context) {
      const a = Buffer.from(hash(secret, context));
      const b = Buffer.from(stored);
      return a.length === b.length && timingSafeEqual(a, b);
    },
    keyedDigest(label, value) {
      // one subkey per label, apart from the enc and mac subkeys above
      const key = createHmac('sha256', kek).update(`edu-idp/digest/${label}`).digest();
      return createHmac('sha256', key).update(value).digest();
    },
  };
}
