/**
 * Signing keys: generated here, stored encrypted with the key-encryption key, published in
 * the JWKS before they sign and after they stop signing (until every token they signed has
 * expired). RS256 only: MOE RPs pick the first RS256 key of the JWKS and ignore kid, so
 * the signing key is always listed first (reference §3).
 */
import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import {
  insertSigningKey,
  listAllKeys,
  listPublishedKeys,
  lockSigningKeys,
  type SigningKeyRow,
  setPublishedUntil,
} from '../adapters/db/signing-keys.js';
import type { Db } from '../adapters/db.js';
import { AppError } from '../errors.js';
import type { SecretBox } from './secret-box.js';

export const SIGNING_ALG = 'RS256';
const CONTEXT = 'signing_keys.private_jwk';

export interface Keyset {
  /** private JWKs for oidc-provider: the signing key first, verify-only keys after */
  jwks: { keys: JWK[] };
  signingKid: string;
  /** when the keyset changes next without anyone rotating (a pending key activates, an old one expires) */
  nextChangeAt: Date | undefined;
}

async function newKey(box: SecretBox, activatesAt: Date): Promise<Omit<SigningKeyRow, 'createdAt'>> {
  const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALG, {
    modulusLength: 2048,
    extractable: true,
  });
  const publicJwk = await exportJWK(publicKey);
  // thumbprint plus a random suffix: unique even if an operator imports the same key twice
  const kid = `${(await calculateJwkThumbprint(publicJwk)).slice(0, 16)}-${randomUUID().slice(0, 8)}`;
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALG, use: 'sig' };
  return {
    kid,
    alg: SIGNING_ALG,
    publicJwk: { ...publicJwk, kid, alg: SIGNING_ALG, use: 'sig' },
    privateJwkEncrypted: box.encrypt(JSON.stringify(privateJwk), CONTEXT),
    activatesAt,
    publishedUntil: null,
  };
}

/** First boot: a database without keys gets one that signs at once. Idempotent across nodes. */
export async function ensureSigningKey(db: Db, box: SecretBox): Promise<void> {
  await db.transaction(async (tx) => {
    await lockSigningKeys(tx);
    if ((await listAllKeys(tx)).length === 0) await insertSigningKey(tx, await newKey(box, new Date()));
  });
}

const activeAt = (keys: SigningKeyRow[], now: Date) => keys.filter((k) => k.activatesAt <= now).at(-1);

export interface RotateOptions {
  /** seconds between publication and first signature (RPs refresh their JWKS caches meanwhile) */
  activationDelay: number;
  /** longest lifetime of anything signed (ID tokens, JWT responses): how long a retired key stays published */
  maxSignedLifetime: number;
  now?: Date;
}

/**
 * Publishes a new key that signs after activationDelay; the current key keeps signing until
 * then and stays published for maxSignedLifetime after.
 * @throws keys.rotation_pending when a published key is still waiting to activate.
 */
export async function rotateSigningKeys(db: Db, box: SecretBox, opts: RotateOptions) {
  const now = opts.now ?? new Date();
  return db.transaction(async (tx) => {
    await lockSigningKeys(tx);
    const keys = await listPublishedKeys(tx, now);
    const pending = keys.find((k) => k.activatesAt > now);
    if (pending) {
      throw new AppError(
        'keys.rotation_pending',
        `key ${pending.kid} is already published and starts signing at ${pending.activatesAt.toISOString()}`,
        409,
      );
    }
    const activatesAt = new Date(now.getTime() + opts.activationDelay * 1000);
    const created = await newKey(box, activatesAt);
    await insertSigningKey(tx, created);
    const current = activeAt(keys, now);
    const retiredUntil = new Date(activatesAt.getTime() + opts.maxSignedLifetime * 1000);
    if (current) await setPublishedUntil(tx, current.kid, retiredUntil);
    return { kid: created.kid, activatesAt, retired: current?.kid, retiredPublishedUntil: retiredUntil };
  });
}

export async function loadKeyset(db: Db, box: SecretBox, now = new Date()): Promise<Keyset> {
  const keys = await listPublishedKeys(db, now);
  const signing = activeAt(keys, now);
  if (!signing)
    throw new Error('no signing key is active: run `edu-idp keys rotate` or start the server once');
  const decrypt = (k: SigningKeyRow) => JSON.parse(box.decrypt(k.privateJwkEncrypted, CONTEXT)) as JWK;
  const others = keys.filter((k) => k !== signing);
  const changes = [
    ...keys.filter((k) => k.activatesAt > now).map((k) => k.activatesAt),
    ...keys.flatMap((k) => (k.publishedUntil ? [k.publishedUntil] : [])),
  ].sort((a, b) => a.getTime() - b.getTime());
  return {
    // newest pending key right after the signing key, retired keys last
    jwks: {
      keys: [decrypt(signing), ...others.reverse().map((k) => ({ ...decrypt(k), key_ops: ['verify'] }))],
    },
    signingKid: signing.kid,
    nextChangeAt: changes[0],
  };
}

export async function listSigningKeys(db: Db, now = new Date()) {
  const keys = await listAllKeys(db);
  const signing = activeAt(
    keys.filter((k) => !k.publishedUntil || k.publishedUntil > now),
    now,
  );
  return keys.map((k) => ({
    kid: k.kid,
    alg: k.alg,
    state:
      k === signing
        ? 'signing'
        : k.activatesAt > now
          ? 'published, pending'
          : k.publishedUntil && k.publishedUntil <= now
            ? 'expired'
            : 'published, retired',
    activatesAt: k.activatesAt,
    publishedUntil: k.publishedUntil,
  }));
}
