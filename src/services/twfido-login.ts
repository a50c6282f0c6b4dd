/**
 * 行動自然人憑證 (TW FidO) login, reference §8.4: a one-time TBS per attempt, the ticket (QR
 * code or push), the result, its verification, and the account through the person's binding.
 *
 * Binding (a person binds once, as with the card): the credentials table holds one row of
 * type 'twfido' per person, identifier = the service's hashed_id_num (a stable per-person hash,
 * §8.4; its algorithm is not public, so it is only ever compared), data = the certificate
 * last seen. The first time, after the phone approves, the user proves the account with its
 * password; when the account has a national ID on record it must be the one the phone
 * approved. Matching by the directory's national ID alone is not done: it would let anyone who
 * holds a certificate take over an account whose national ID was typed in wrong by a school.
 * The certificate's name is not compared with the account's (seeds FAQ 16: they differ).
 *
 * @throws fido.* (adapters/twfido/errors.ts, and already_bound / bind_mismatch here)
 */
import { createHash, randomBytes, type X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  findCredential,
  insertCredential,
  listCredentials,
  updateCredentialData,
} from '../adapters/db/credentials.js';
import type { Db } from '../adapters/db.js';
import {
  type AthOrSignResult,
  createTwFidoClient,
  type SignInfo,
  type SpTicket,
  type TwFidoClient,
} from '../adapters/twfido/client.js';
import { parseTrustAnchors, type VerifiedHolder, verifySignedLogin } from '../adapters/twfido/signature.js';
import type { Config } from '../config.js';
import { defineErrors } from '../errors.js';
import type { Account } from './accounts.js';
import { hashNationalId, normalizeNationalId } from './national-id.js';
import type { SecretBox } from './secret-box.js';

export const TWFIDO_CREDENTIAL = 'twfido';

export const twFidoLoginErrors = defineErrors('fido', {
  /** this person is already bound to another account */
  already_bound: { status: 409, message: 'fido.already_bound' },
  /** the account's national ID on record is not the one the phone approved */
  bind_mismatch: { status: 403, message: 'fido.bind_mismatch' },
});

/** What the credentials table holds for a TW FidO binding (jsonb). */
export interface TwFidoBindingData extends Record<string, unknown> {
  certSerial: string;
  issuer: string;
  /** ISO 8601 */
  notAfter: string;
  last4: string;
}

export type TwFidoMode = 'qr' | 'push';

export interface StartedLogin extends SpTicket {
  /** the one-time text the phone signs */
  tbs: string;
  /** 4 digits in the hint the phone shows, for the user to match with our page */
  code: string;
}

export interface ApprovedLogin {
  hashedIdNum: string;
  holder: VerifiedHolder;
}

export interface TwFidoLogin {
  readonly pollInterval: number;
  readonly timeLimit: number;
  /** The keyed hash of a national ID (accounts.national_id_hash): throttling and binding. */
  idHash(idNum: string): string;
  start(input: { idNum: string; mode: TwFidoMode }): Promise<StartedLogin>;
  poll(spTicketId: string): Promise<AthOrSignResult>;
  /** @throws fido.signature_invalid, fido.certificate_invalid */
  verify(
    result: Extract<AthOrSignResult, { status: 'done' }>,
    expect: { tbs: string; last4: string },
  ): ApprovedLogin;
  /** The account bound to this person, its last use stamped; undefined when not bound yet. */
  findBoundAccount(login: ApprovedLogin): Promise<string | undefined>;
  /** @throws fido.already_bound, fido.bind_mismatch */
  bind(account: Account, login: ApprovedLogin, idHash: string): Promise<void>;
}

export function createTwFidoLogin(deps: {
  db: Db;
  box: SecretBox;
  client: TwFidoClient;
  anchors: readonly X509Certificate[];
  pollInterval: number;
  timeLimit: number;
}): TwFidoLogin {
  const { db, client } = deps;
  const dataOf = (h: VerifiedHolder): TwFidoBindingData => ({
    certSerial: h.serial,
    issuer: h.issuer,
    notAfter: h.notAfter.toISOString(),
    last4: h.last4,
  });
  return {
    pollInterval: deps.pollInterval,
    timeLimit: deps.timeLimit,
    idHash: (idNum) => hashNationalId(deps.box, idNum),

    async start({ idNum, mode }) {
      // ours alone, used once: a replayed signature of an earlier login does not verify
      const tbs = `edu-idp login ${randomBytes(32).toString('base64url')}`;
      const code = String(createHash('sha256').update(tbs).digest().readUInt32BE(0) % 10000).padStart(4, '0');
      // shown on the phone (the app is in Chinese): where the request comes from, and the code
      const hint = `教育網路單一帳號登入，確認碼 ${code}`;
      const signInfo: SignInfo = {
        sign_type: 'PKCS#1',
        sign_data: tbs,
        tbs_encoding: 'NONE',
        hash_algorithm: 'SHA256',
      };
      const request = {
        idNum: normalizeNationalId(idNum),
        // ATH (authentication) with our TBS to sign; SIGN is for documents (INFERRED)
        opCode: 'ATH' as const,
        hint,
        timeLimit: deps.timeLimit,
        signInfo,
      };
      const ticket =
        mode === 'push' ? await client.requestAthOrSignPush(request) : await client.getSpTicket(request);
      return { ...ticket, tbs, code };
    },

    poll: (spTicketId) => client.getAthOrSignResult(spTicketId),

    verify(result, expect) {
      const holder = verifySignedLogin(
        {
          tbs: expect.tbs,
          signedResponse: result.signedResponse,
          cert: result.cert,
          expectedLast4: expect.last4,
        },
        deps.anchors,
      );
      return { hashedIdNum: result.hashedIdNum, holder };
    },

    async findBoundAccount(login) {
      const credential = await findCredential<TwFidoBindingData>(db, TWFIDO_CREDENTIAL, login.hashedIdNum);
      if (!credential) return undefined;
      // the certificate is renewed every few years: keep the one last used
      await updateCredentialData(db, credential.id, dataOf(login.holder), { used: true });
      return credential.accountId;
    },

    async bind(account, login, idHash) {
      if (account.nationalIdHash && account.nationalIdHash !== idHash)
        throw twFidoLoginErrors.bind_mismatch();
      await db.transaction(async (trx) => {
        if (await findCredential(trx, TWFIDO_CREDENTIAL, login.hashedIdNum, { lock: true })) {
          throw twFidoLoginErrors.already_bound();
        }
        // one person per account: a second person's phone cannot be added to it
        const existing = await listCredentials(trx, account.id, TWFIDO_CREDENTIAL);
        if (existing.length > 0) throw twFidoLoginErrors.already_bound();
        try {
          await insertCredential(trx, {
            accountId: account.id,
            type: TWFIDO_CREDENTIAL,
            identifier: login.hashedIdNum,
            data: dataOf(login.holder),
          });
        } catch (err) {
          // a concurrent bind of the same person won the unique index
          if ((err as { code?: string }).code === '23505') throw twFidoLoginErrors.already_bound();
          throw err;
        }
      });
    },
  };
}

/**
 * The service of TWFIDO_* config: the SP client and the trust anchors read from their PEM
 * files once, at boot.
 * @throws Error when an anchor file is unreadable or holds no certificate
 */
export function twFidoLoginFromConfig(
  config: NonNullable<Config['twfido']>,
  deps: { db: Db; box: SecretBox },
): TwFidoLogin {
  const anchors = parseTrustAnchors(config.trustAnchors.map((path) => readFileSync(path, 'utf8')));
  if (anchors.length === 0) throw new Error('TWFIDO_TRUST_ANCHORS: no certificate in the PEM files');
  return createTwFidoLogin({
    ...deps,
    client: createTwFidoClient({
      baseUrl: config.apiUrl,
      spServiceId: config.spServiceId,
      spKey: config.spKey,
    }),
    anchors,
    pollInterval: config.pollInterval,
    timeLimit: config.timeLimit,
  });
}
