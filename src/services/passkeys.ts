/**
 * Passkeys (WebAuthn Level 3 discoverable credentials) with @simplewebauthn/server: options,
 * registration and assertion verification, and the account's list of passkeys.
 *
 * A passkey is a row of the credentials table (type 'passkey', identifier = the credential id
 * in base64url, data = PasskeyData). The relying party is the issuer: RP ID = its host name,
 * the only accepted origin = its origin. User verification is required at both ceremonies, so
 * every passkey login is possession plus the device's PIN or biometric (amr hwk + user).
 *
 * The user handle of every passkey is the account id's 16 bytes: opaque (no personal data,
 * WebAuthn §14.6.1) and checked against the stored credential's account at login.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { findAccountById } from '../adapters/db/accounts.js';
import {
  type Credential,
  deleteCredential,
  findCredential,
  findCredentialById,
  insertCredential,
  listCredentials,
  updateCredentialData,
} from '../adapters/db/credentials.js';
import type { Db } from '../adapters/db.js';
import type { PayloadStore } from '../adapters/oidc/payload-store.js';
import { defineErrors } from '../errors.js';
import { accountErrors } from './accounts.js';
import type { AuditLog } from './audit.js';

export const PASSKEY_CREDENTIAL = 'passkey';

/** How long a ceremony may take: the browser's timeout and the stored challenge's lifetime. */
export const PASSKEY_CEREMONY_SECONDS = 300;

export const passkeyErrors = defineErrors('passkey', {
  /** no challenge for this ceremony: never fetched, already used, or expired */
  challenge_expired: { message: 'passkey.challenge_expired' },
  invalid_response: { message: 'passkey.invalid_response' },
  unknown_credential: { status: 401, message: 'passkey.unknown_credential' },
  verification_failed: { status: 401, message: 'passkey.verification_failed' },
  /** the signature counter went back: a cloned authenticator, or a replayed assertion */
  counter_regressed: { status: 401, message: 'passkey.counter_regressed' },
  already_registered: { status: 409, message: 'passkey.already_registered' },
  not_found: { status: 404, message: 'passkey.not_found' },
  invalid_name: { message: 'passkey.invalid_name' },
});

/** What the credentials table holds for a passkey (jsonb). */
export interface PasskeyData extends Record<string, unknown> {
  /** COSE public key, base64url */
  publicKey: string;
  counter: number;
  transports: string[];
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
  name: string;
  /**
   * SHA-256 of the challenge of the last accepted assertion. Synced passkeys keep their
   * counter at 0, so the counter cannot tell a replay; two requests racing with one assertion
   * are ordered by the row lock, and the second finds its challenge already used here.
   */
  lastChallenge?: string;
}

/** A passkey as the account page shows it: never the public key. */
export interface Passkey {
  id: string;
  credentialId: string;
  name: string;
  deviceType: PasskeyData['deviceType'];
  backedUp: boolean;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export const PASSKEY_NAME_MAX = 64;

const toPasskey = (c: Credential<PasskeyData>): Passkey => ({
  id: c.id,
  credentialId: c.identifier,
  name: c.data.name,
  deviceType: c.data.deviceType,
  backedUp: c.data.backedUp,
  createdAt: c.createdAt,
  lastUsedAt: c.lastUsedAt,
});

/** The account id (a uuid) as the 16-byte WebAuthn user handle. */
export function userHandleOf(accountId: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(accountId.replaceAll('-', ''), 'hex'));
}

function normalizeName(name: string): string {
  const trimmed = name.replace(/\s+/g, ' ').trim();
  if (!trimmed || [...trimmed].length > PASSKEY_NAME_MAX) throw passkeyErrors.invalid_name();
  return trimmed;
}

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

export interface PasskeyAccount {
  id: string;
  username: string;
  name?: string | null | undefined;
}

export interface PasskeyService {
  readonly rpId: string;
  readonly origin: string;
  /** Options of a discoverable login (no allowCredentials); the caller keeps the challenge. */
  authenticationOptions(): Promise<PublicKeyCredentialRequestOptionsJSON>;
  /**
   * Verifies an assertion against the stored passkey, moves its counter and stamps its use.
   * @throws passkey.unknown_credential | verification_failed | counter_regressed, password.account_disabled
   */
  authenticate(
    response: AuthenticationResponseJSON,
    expectedChallenge: string,
  ): Promise<{ accountId: string; username: string; passkeyId: string }>;
  /** Options to register a new passkey; the challenge is kept under `ceremony` for a few minutes. */
  registrationOptions(
    account: PasskeyAccount,
    ceremony: string,
  ): Promise<PublicKeyCredentialCreationOptionsJSON>;
  /**
   * Verifies the attestation of the ceremony's challenge (used up either way) and stores it.
   * @throws passkey.challenge_expired | verification_failed | already_registered | invalid_name
   */
  register(
    accountId: string,
    ceremony: string,
    response: RegistrationResponseJSON,
    name: string,
  ): Promise<Passkey>;
  list(accountId: string): Promise<Passkey[]>;
  /** @throws passkey.not_found (also for another account's passkey) | invalid_name */
  rename(accountId: string, id: string, name: string): Promise<Passkey>;
  /** @throws passkey.not_found (also for another account's passkey) */
  remove(accountId: string, id: string): Promise<void>;
}

const REGISTRATION_MODEL = 'PasskeyRegistration';

export function createPasskeyService(deps: {
  db: Db;
  store: PayloadStore;
  audit: AuditLog;
  issuer: string;
  rpName: string;
}): PasskeyService {
  const { db, store, audit } = deps;
  const origin = new URL(deps.issuer).origin;
  const rpId = new URL(deps.issuer).hostname;

  async function ownPasskey(accountId: string, id: string) {
    const found = isUuid(id) ? await findCredentialById<PasskeyData>(db, id) : undefined;
    if (!found || found.type !== PASSKEY_CREDENTIAL || found.accountId !== accountId) {
      throw passkeyErrors.not_found();
    }
    return found;
  }

  return {
    rpId,
    origin,

    authenticationOptions: () =>
      generateAuthenticationOptions({
        rpID: rpId,
        allowCredentials: [],
        userVerification: 'required',
        timeout: PASSKEY_CEREMONY_SECONDS * 1000,
      }),

    async authenticate(response, expectedChallenge) {
      const credentialId = typeof response?.id === 'string' ? response.id : '';
      if (!/^[A-Za-z0-9_-]{1,1366}$/.test(credentialId)) throw passkeyErrors.unknown_credential();
      return db.transaction(async (tx) => {
        // the row lock orders concurrent assertions of one passkey, so the counter check holds
        const stored = await findCredential<PasskeyData>(tx, PASSKEY_CREDENTIAL, credentialId, {
          lock: true,
        });
        if (!stored) throw passkeyErrors.unknown_credential();
        const challengeDigest = createHash('sha256').update(expectedChallenge).digest('base64url');
        if (stored.data.lastChallenge === challengeDigest) throw passkeyErrors.challenge_expired();
        const handle = response.response?.userHandle;
        if (
          handle !== undefined &&
          handle !== Buffer.from(userHandleOf(stored.accountId)).toString('base64url')
        ) {
          throw passkeyErrors.unknown_credential();
        }
        let verified: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
        try {
          verified = await verifyAuthenticationResponse({
            response,
            expectedChallenge,
            expectedOrigin: origin,
            expectedRPID: rpId,
            requireUserVerification: true,
            credential: {
              id: stored.identifier,
              publicKey: new Uint8Array(Buffer.from(stored.data.publicKey, 'base64url')),
              counter: stored.data.counter,
              transports: stored.data.transports as never,
            },
          });
        } catch (err) {
          if (err instanceof Error && /counter value/i.test(err.message))
            throw passkeyErrors.counter_regressed();
          throw passkeyErrors.verification_failed();
        }
        if (!verified.verified || !verified.authenticationInfo.userVerified) {
          throw passkeyErrors.verification_failed();
        }
        const account = await findAccountById(tx, stored.accountId);
        if (account?.status !== 'active') throw accountErrors.account_disabled();
        const info = verified.authenticationInfo;
        await updateCredentialData(
          tx,
          stored.id,
          {
            ...stored.data,
            counter: info.newCounter,
            deviceType: info.credentialDeviceType,
            backedUp: info.credentialBackedUp,
            lastChallenge: challengeDigest,
          },
          { used: true },
        );
        return { accountId: account.id, username: account.username, passkeyId: stored.id };
      });
    },

    async registrationOptions(account, ceremony) {
      const existing = await listCredentials<PasskeyData>(db, account.id, PASSKEY_CREDENTIAL);
      const options = await generateRegistrationOptions({
        rpName: deps.rpName,
        rpID: rpId,
        userID: userHandleOf(account.id),
        userName: account.username,
        userDisplayName: account.name || account.username,
        challenge: new Uint8Array(randomBytes(32)),
        timeout: PASSKEY_CEREMONY_SECONDS * 1000,
        attestationType: 'none',
        excludeCredentials: existing.map((c) => ({
          id: c.identifier,
          transports: c.data.transports,
        })),
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
        // ES256 and RS256 cover every platform authenticator and security key in use
        supportedAlgorithmIDs: [-7, -257],
      });
      await store.upsert(
        REGISTRATION_MODEL,
        ceremony,
        { accountId: account.id, challenge: options.challenge },
        PASSKEY_CEREMONY_SECONDS,
      );
      return options;
    },

    async register(accountId, ceremony, response, rawName) {
      const name = normalizeName(rawName);
      const pending = await store.find(REGISTRATION_MODEL, ceremony);
      // single use: a failed attempt needs new options
      await store.destroy(REGISTRATION_MODEL, ceremony);
      if (!pending || pending.accountId !== accountId || typeof pending.challenge !== 'string') {
        throw passkeyErrors.challenge_expired();
      }
      let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
      try {
        verified = await verifyRegistrationResponse({
          response,
          expectedChallenge: pending.challenge,
          expectedOrigin: origin,
          expectedRPID: rpId,
          requireUserVerification: true,
          supportedAlgorithmIDs: [-7, -257],
        });
      } catch {
        throw passkeyErrors.verification_failed();
      }
      if (!verified.verified) throw passkeyErrors.verification_failed();
      const info = verified.registrationInfo;
      const data: PasskeyData = {
        publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
        counter: info.credential.counter,
        transports: [...(info.credential.transports ?? [])],
        deviceType: info.credentialDeviceType,
        backedUp: info.credentialBackedUp,
        name,
      };
      return db.transaction(async (tx) => {
        if (await findCredential(tx, PASSKEY_CREDENTIAL, info.credential.id)) {
          throw passkeyErrors.already_registered();
        }
        const row = await insertCredential(tx, {
          accountId,
          type: PASSKEY_CREDENTIAL,
          identifier: info.credential.id,
          data,
        });
        await audit.record(tx, undefined, {
          action: 'passkey.register',
          targetType: 'account',
          targetId: accountId,
          after: { passkeyId: row.id, name, deviceType: data.deviceType, backedUp: data.backedUp },
        });
        return toPasskey(row);
      });
    },

    list: async (accountId) =>
      (await listCredentials<PasskeyData>(db, accountId, PASSKEY_CREDENTIAL)).map(toPasskey),

    async rename(accountId, id, rawName) {
      const name = normalizeName(rawName);
      const found = await ownPasskey(accountId, id);
      await db.transaction(async (tx) => {
        await updateCredentialData(tx, found.id, { ...found.data, name });
        await audit.record(tx, undefined, {
          action: 'passkey.rename',
          targetType: 'account',
          targetId: accountId,
          before: { passkeyId: found.id, name: found.data.name },
          after: { passkeyId: found.id, name },
        });
      });
      return toPasskey({ ...found, data: { ...found.data, name } });
    },

    async remove(accountId, id) {
      const found = await ownPasskey(accountId, id);
      await db.transaction(async (tx) => {
        if (!(await deleteCredential(tx, found.id))) throw passkeyErrors.not_found();
        await audit.record(tx, undefined, {
          action: 'passkey.delete',
          targetType: 'account',
          targetId: accountId,
          before: { passkeyId: found.id, name: found.data.name },
        });
      });
    },
  };
}
