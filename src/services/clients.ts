/**
 * Relying parties: RFC 7591 metadata, secrets stored as keyed hashes when the client's
 * methods never need the clear secret (client_secret_basic/post with asymmetric algorithms),
 * encrypted otherwise (client_secret_jwt, HS* algorithms need it as an HMAC key).
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { type ClientRow, findClientRow, listClientRows, upsertClientRow } from '../adapters/db/clients.js';
import type { Db } from '../adapters/db.js';
import type { SecretBox } from './secret-box.js';

const HASH_PREFIX = 'h1.';
const secretContext = (clientId: string) => `client_secret:${clientId}`;

/**
 * What a client registered without a scope list may be granted: the standard scopes only,
 * never eduinfo, personid, guid or admin (oidc-provider would allow every scope).
 */
export const DEFAULT_CLIENT_SCOPE = 'openid offline_access profile email';

/**
 * MOE-family scopes that grant nothing here (reference §2): dropped from a client's list so
 * that an allowingscopes copied from MOE validates.
 */
const IGNORED_SCOPE = /^(educloudroles|exchangedata|syncdata|worker|relation|kh_\w+)$/;

/** "openid,profile  eduinfo" → "openid profile eduinfo": MOE lists are comma- or space-separated. */
export function normalizeScopeList(value: string): string {
  const scopes = value.split(/[\s,]+/).filter((s) => s && !IGNORED_SCOPE.test(s));
  return [...new Set(scopes)].join(' ');
}

export const clientInputSchema = z
  .object({
    client_id: z.string().min(1).max(255),
    client_secret: z.string().min(16, 'client_secret must have at least 16 characters').optional(),
    client_name: z.string().optional(),
    redirect_uris: z.array(z.string()).default([]),
    post_logout_redirect_uris: z.array(z.string()).optional(),
    grant_types: z.array(z.string()).optional(),
    response_types: z.array(z.string()).optional(),
    token_endpoint_auth_method: z.string().optional(),
    // the scopes the client may be granted; allowingscopes is MOE's name for the same list
    scope: z.string().optional(),
    allowingscopes: z.string().optional(),
    first_party: z.boolean().default(false),
    allow_query_access_token: z.boolean().optional(),
    eduinfo_gzip: z.boolean().optional(),
  })
  // other RFC 7591 / OIDC registration metadata (jwks_uri, backchannel_logout_uri, logo_uri,
  // application_type, id_token_signed_response_alg, ...) passes through to oidc-provider,
  // which validates it.
  .catchall(z.unknown());

export type ClientInput = z.input<typeof clientInputSchema>;

const needsClearSecret = (m: Record<string, unknown>) =>
  m.token_endpoint_auth_method === 'client_secret_jwt' ||
  Object.entries(m).some(([k, v]) => k.endsWith('_alg') && typeof v === 'string' && /^HS\d+$/.test(v));

const needsSecret = (m: Record<string, unknown>) => {
  const method = (m.token_endpoint_auth_method as string | undefined) ?? 'client_secret_basic';
  return method.startsWith('client_secret') || needsClearSecret(m);
};

/** Folds allowingscopes into scope, normalised. @throws when they disagree or list nothing usable */
function withScopeList(
  clientId: string,
  metadata: Record<string, unknown>,
  allowingscopes: string | undefined,
): Record<string, unknown> {
  const { scope, ...rest } = metadata as Record<string, unknown> & { scope?: string };
  const lists = [scope, allowingscopes].filter((v) => v !== undefined).map(normalizeScopeList);
  if (lists.length === 0) return rest;
  if (lists.length === 2 && lists[0] !== lists[1]) {
    throw new Error(`client ${clientId}: scope and allowingscopes differ; give one of them`);
  }
  if (!lists[0]) throw new Error(`client ${clientId}: the scope list names no supported scope`);
  return { ...rest, scope: lists[0] };
}

export function isHashedSecret(secret: unknown): secret is string {
  return typeof secret === 'string' && secret.startsWith(HASH_PREFIX);
}

export interface ClientService {
  /** Metadata as oidc-provider expects it (client_secret is the hash for hashed clients). */
  loadClientMetadata(clientId: string): Promise<Record<string, unknown> | undefined>;
  /** Constant-time check of a presented secret against a stored hash. */
  verifyHashedSecret(clientId: string, presented: string, stored: string): boolean;
  /**
   * Idempotent upsert. A client without a secret in the input keeps its stored secret; a new
   * confidential client without one gets a generated secret, returned once.
   * `validate` receives the metadata oidc-provider will see and throws if it is invalid.
   */
  upsert(
    input: ClientInput,
    validate?: (metadata: Record<string, unknown>) => Promise<void>,
  ): Promise<{ clientId: string; created: boolean; generatedSecret?: string }>;
  list(): Promise<ClientRow[]>;
}

export function createClientService(db: Db, box: SecretBox): ClientService {
  return {
    async loadClientMetadata(clientId) {
      const row = await findClientRow(db, clientId);
      if (!row) return undefined;
      const secret =
        row.secretHash ??
        (row.secretEncrypted ? box.decrypt(row.secretEncrypted, secretContext(clientId)) : undefined);
      return {
        ...row.metadata,
        scope: (row.metadata.scope as string | undefined) || DEFAULT_CLIENT_SCOPE,
        client_id: row.clientId,
        first_party: row.firstParty,
        ...(secret ? { client_secret: secret } : {}),
      };
    },

    verifyHashedSecret(clientId, presented, stored) {
      return box.verifyHash(presented, stored, secretContext(clientId));
    },

    async upsert(input, validate) {
      const {
        client_id: clientId,
        client_secret: givenSecret,
        first_party: firstParty,
        allowingscopes,
        ...given
      } = clientInputSchema.parse(input);
      const metadata = withScopeList(clientId, given, allowingscopes);
      const existing = await findClientRow(db, clientId);
      let secret = givenSecret;
      let generatedSecret: string | undefined;
      if (!secret && needsSecret(metadata) && !existing?.secretHash && !existing?.secretEncrypted) {
        secret = generatedSecret = randomBytes(32).toString('base64url');
      }
      const clear = needsClearSecret(metadata);
      let secretHash = existing?.secretHash ?? null;
      let secretEncrypted = existing?.secretEncrypted ?? null;
      if (secret) {
        secretHash = clear ? null : box.hash(secret, secretContext(clientId));
        secretEncrypted = clear ? box.encrypt(secret, secretContext(clientId)) : null;
      } else if (clear && secretHash) {
        throw new Error(
          `client ${clientId}: switching to a method that needs the clear secret requires a new client_secret`,
        );
      }
      if (!needsSecret(metadata)) {
        secretHash = null;
        secretEncrypted = null;
      }
      const providerSecret = secretHash ?? secret ?? (secretEncrypted ? 'x'.repeat(32) : undefined);
      await validate?.({
        ...metadata,
        client_id: clientId,
        first_party: firstParty,
        ...(providerSecret ? { client_secret: providerSecret } : {}),
      });
      await upsertClientRow(db, { clientId, metadata, secretHash, secretEncrypted, firstParty });
      return { clientId, created: !existing, ...(generatedSecret ? { generatedSecret } : {}) };
    },

    list: () => listClientRows(db),
  };
}
