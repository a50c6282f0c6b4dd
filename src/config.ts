/**
 * Configuration: one zod schema over the environment, parsed once at boot.
 * Every problem is reported in a single error so an operator fixes them in one pass.
 * Nothing else in the code base reads process.env.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { ACR } from './interactions/methods/types.js';

/** TANet blocks (INFERRED starting point, reference §15): MOE, the county networks, TANet IPv6. */
export const DEFAULT_TANET_RANGES = [
  '140.111.0.0/16',
  '163.13.0.0/16',
  '163.14.0.0/15',
  '163.16.0.0/13',
  '163.24.0.0/13',
  '163.32.0.0/16',
  '2001:288::/32',
];

function isCidr(value: string): boolean {
  const [address, bits, ...rest] = value.split('/');
  if (!address || bits === undefined || rest.length || !/^\d{1,3}$/.test(bits)) return false;
  const family = isIP(address);
  return family !== 0 && Number(bits) <= (family === 4 ? 32 : 128);
}

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const commaList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().min(32, 'each cookie key needs at least 32 characters')).min(1));

/** A 32-byte key as base64 or base64url (openssl rand -base64 32). */
const key32 = z
  .string()
  .transform((s) => Buffer.from(s, s.includes('-') || s.includes('_') ? 'base64url' : 'base64'))
  .refine((b) => b.length === 32, 'must decode to exactly 32 bytes (openssl rand -base64 32)');

const schema = z.object({
  ISSUER: z
    .url()
    .default('http://localhost:3000')
    // The MOE issuer has no trailing slash and RPs compare it byte for byte.
    .refine((u) => !u.endsWith('/'), 'must not end with a slash'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().startsWith('postgres', 'must be a postgres:// URL').optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().positive().default(10),
  REDIS_URL: z.string().startsWith('redis', 'must be a redis:// URL').optional(),
  DATA_DIR: z.string().default('./data'),
  COOKIE_KEYS: commaList.optional(),
  KEY_ENCRYPTION_KEY: key32.optional(),
  ARGON2_MEMORY_KIB: z.coerce.number().int().min(1024).default(19456),
  ARGON2_TIME_COST: z.coerce.number().int().min(1).default(2),
  ARGON2_PARALLELISM: z.coerce.number().int().min(1).default(1),
  ACCESS_TOKEN_TTL: seconds(3600),
  ID_TOKEN_TTL: seconds(3600),
  AUTHORIZATION_CODE_TTL: seconds(60),
  REFRESH_TOKEN_TTL: seconds(14 * 24 * 3600),
  CLIENT_CREDENTIALS_TTL: seconds(3600),
  SESSION_TTL: seconds(8 * 3600),
  INTERACTION_TTL: seconds(30 * 60),
  GRANT_TTL: seconds(365 * 24 * 3600),
  KEY_ACTIVATION_DELAY: z.coerce.number().int().min(0).default(3600),
  KEY_REFRESH_INTERVAL: seconds(60),
  TRUST_PROXY: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  // how many proxies of ours append to X-Forwarded-For: the client address is the entry that
  // many from the right; anything further left was written by the client and is not trusted
  TRUST_PROXY_HOPS: z.coerce.number().int().min(1).max(10).default(1),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOGIN_RECORD_FLUSH_MS: z.coerce.number().int().positive().default(200),
  // login history kept: whole monthly partitions older than this are dropped (at least a month,
  // so the previous month's partition, still written around midnight, is never dropped)
  LOGIN_RECORD_RETENTION_DAYS: z.coerce.number().int().min(31).default(400),
  // education-network (TANet) address ranges: where passOne works without a school whitelist.
  // A starting point only: set it from your regional network centre's published list.
  TANET_IP_RANGES: z
    .string()
    .default(DEFAULT_TANET_RANGES.join(','))
    .transform((s) =>
      s
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().refine(isCidr, 'each entry must be a CIDR range such as 163.25.0.0/16'))),
  // restrict the admin console and API to the whitelist of the admin's county or school
  ADMIN_IP_RESTRICT: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  // usernames for imported students; tokens are documented in README (roster import)
  STUDENT_USERNAME_RULE: z.string().min(1).default('{schoolcode}s{seq:5}'),
  // outgoing mail: smtp(s)://user:pass@host:port; unset = messages are written to DATA_DIR/outbox
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  MAIL_FROM: z.string().default('edu-idp <no-reply@localhost>'),
  // SMS: 'outbox' writes to DATA_DIR/outbox; 'http' posts JSON to SMS_HTTP_URL with SMS_HTTP_TOKEN
  SMS_PROVIDER: z.enum(['outbox', 'http']).default('outbox'),
  SMS_HTTP_URL: z.url().optional(),
  SMS_HTTP_TOKEN: z.string().optional(),
  VERIFICATION_CODE_TTL: seconds(10 * 60),
  ACTIVATION_LINK_TTL: seconds(7 * 24 * 3600),
  RESET_LINK_TTL: seconds(24 * 3600),
  // TW FidO (行動自然人憑證, reference §8): the method is offered only when the service id and key
  // are set. UAT: https://fidoapi-test.moi.gov.tw
  TWFIDO_API_URL: z.url().default('https://fidoapi.moi.gov.tw'),
  TWFIDO_SP_SERVICE_ID: z.string().min(1).max(100).optional(),
  TWFIDO_SP_KEY: key32.optional(),
  // the service asks for ≥ 4 s between result polls (reference §8.2)
  TWFIDO_POLL_INTERVAL: z.coerce.number().int().min(4).max(60).default(5),
  TWFIDO_TIME_LIMIT: z.coerce.number().int().min(30).max(600).default(120),
  // PEM files of the CAs that issue the holders' certificates (MOICA G3), comma-separated
  TWFIDO_TRUST_ANCHORS: z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    )
    .optional(),
  // passOne (一次登入) pass codes: valid 40 minutes from issue
  PASS_ONE_TTL: seconds(40 * 60),
  // 自然人憑證 on a card (reference §9, §10): the HiPKI local signer the page opens, the PEM files
  // of the CAs the certificates must chain to (MOICA G2/G3), an optional OCSP responder for every
  // certificate instead of each one's AIA, the timeout of OCSP/CRL requests, and how many days
  // before expiry a login shows the renewal notice
  CARD_SIGNER_URL: z
    .url()
    .default('http://localhost:61161')
    .refine((u) => !u.endsWith('/'), 'must not end with a slash'),
  CARD_TRUST_ANCHORS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    ),
  CARD_OCSP_URL: z.url().optional(),
  CARD_HTTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  CARD_RENEWAL_NOTICE_DAYS: z.coerce.number().int().min(0).max(365).default(30),
  // the weakest assurance an admin (any role) needs at the admin console and at clients with the
  // admin scope: a passkey by default, so a password alone never opens administration (issue 4)
  ADMIN_REQUIRED_ACR: z.enum(Object.values(ACR) as [string, ...string[]]).default(ACR.passkey),
});

export interface Config {
  readonly issuer: string;
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string | undefined;
  readonly databasePoolMax: number;
  readonly redisUrl: string | undefined;
  readonly dataDir: string;
  readonly cookieKeys: readonly string[] | undefined;
  readonly keyEncryptionKey: Buffer | undefined;
  readonly argon2: { readonly memoryCost: number; readonly timeCost: number; readonly parallelism: number };
  readonly ttl: {
    readonly accessToken: number;
    readonly idToken: number;
    readonly authorizationCode: number;
    readonly refreshToken: number;
    readonly clientCredentials: number;
    readonly session: number;
    readonly interaction: number;
    readonly grant: number;
  };
  /** seconds a newly generated signing key is published before it signs */
  readonly keyActivationDelay: number;
  readonly keyRefreshInterval: number;
  readonly trustProxy: boolean;
  readonly trustProxyHops: number;
  readonly logLevel: string;
  readonly loginRecordFlushMs: number;
  readonly loginRecordRetentionDays: number;
  readonly tanetIpRanges: readonly string[];
  readonly adminIpRestrict: boolean;
  readonly studentUsernameRule: string;
  readonly mail: { readonly smtpUrl: string | undefined; readonly from: string };
  readonly sms: {
    readonly provider: 'outbox' | 'http';
    readonly httpUrl: string | undefined;
    readonly httpToken: string | undefined;
  };
  readonly verificationCodeTtl: number;
  readonly activationLinkTtl: number;
  readonly resetLinkTtl: number;
  /** TW FidO service provider; undefined = the method is off */
  readonly twfido:
    | {
        readonly apiUrl: string;
        readonly spServiceId: string;
        readonly spKey: Buffer;
        readonly pollInterval: number;
        readonly timeLimit: number;
        /** PEM file paths */
        readonly trustAnchors: readonly string[];
      }
    | undefined;
  /** seconds a passOne pass code stays valid */
  readonly passOneTtl: number;
  /** 自然人憑證 card login (HiPKI local signer) */
  readonly card: {
    readonly signerUrl: string;
    /** PEM file paths of the trust anchors */
    readonly trustAnchors: readonly string[];
    readonly ocspUrl: string | undefined;
    readonly httpTimeoutMs: number;
    readonly renewalNoticeDays: number;
  };
  /** the acr an admin's sign-in to the console (or an admin-scope client) must reach */
  readonly adminRequiredAcr: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * @throws ConfigError listing every invalid variable.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
  }
  if (cleaned.DATABASE_URL) {
    // With a real database we are in production shape: secrets must come from the operator,
    // never be generated on the fly (every node of a cluster must share them).
    if (!cleaned.COOKIE_KEYS) problems.push('COOKIE_KEYS: required when DATABASE_URL is set');
    if (!cleaned.KEY_ENCRYPTION_KEY) problems.push('KEY_ENCRYPTION_KEY: required when DATABASE_URL is set');
  }
  if (cleaned.SMS_PROVIDER === 'http' && !cleaned.SMS_HTTP_URL) {
    problems.push('SMS_HTTP_URL: required when SMS_PROVIDER=http');
  }
  if (Boolean(cleaned.TWFIDO_SP_SERVICE_ID) !== Boolean(cleaned.TWFIDO_SP_KEY)) {
    problems.push('TWFIDO_SP_SERVICE_ID, TWFIDO_SP_KEY: set both to enable TW FidO, or neither');
  }
  if (cleaned.TWFIDO_SP_SERVICE_ID && !cleaned.TWFIDO_TRUST_ANCHORS) {
    problems.push('TWFIDO_TRUST_ANCHORS: required with TWFIDO_SP_SERVICE_ID (PEM file of MOICA G3)');
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const e = parsed.data;
  return Object.freeze({
    issuer: e.ISSUER,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databasePoolMax: e.DATABASE_POOL_MAX,
    redisUrl: e.REDIS_URL,
    dataDir: e.DATA_DIR,
    cookieKeys: e.COOKIE_KEYS,
    keyEncryptionKey: e.KEY_ENCRYPTION_KEY,
    argon2: {
      memoryCost: e.ARGON2_MEMORY_KIB,
      timeCost: e.ARGON2_TIME_COST,
      parallelism: e.ARGON2_PARALLELISM,
    },
    ttl: {
      accessToken: e.ACCESS_TOKEN_TTL,
      idToken: e.ID_TOKEN_TTL,
      authorizationCode: e.AUTHORIZATION_CODE_TTL,
      refreshToken: e.REFRESH_TOKEN_TTL,
      clientCredentials: e.CLIENT_CREDENTIALS_TTL,
      session: e.SESSION_TTL,
      interaction: e.INTERACTION_TTL,
      grant: e.GRANT_TTL,
    },
    keyActivationDelay: e.KEY_ACTIVATION_DELAY,
    keyRefreshInterval: e.KEY_REFRESH_INTERVAL,
    trustProxy: e.TRUST_PROXY,
    trustProxyHops: e.TRUST_PROXY_HOPS,
    logLevel: e.LOG_LEVEL,
    loginRecordFlushMs: e.LOGIN_RECORD_FLUSH_MS,
    loginRecordRetentionDays: e.LOGIN_RECORD_RETENTION_DAYS,
    tanetIpRanges: e.TANET_IP_RANGES,
    adminIpRestrict: e.ADMIN_IP_RESTRICT,
    studentUsernameRule: e.STUDENT_USERNAME_RULE,
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM },
    sms: { provider: e.SMS_PROVIDER, httpUrl: e.SMS_HTTP_URL, httpToken: e.SMS_HTTP_TOKEN },
    verificationCodeTtl: e.VERIFICATION_CODE_TTL,
    activationLinkTtl: e.ACTIVATION_LINK_TTL,
    resetLinkTtl: e.RESET_LINK_TTL,
    twfido:
      e.TWFIDO_SP_SERVICE_ID && e.TWFIDO_SP_KEY && e.TWFIDO_TRUST_ANCHORS
        ? {
            apiUrl: e.TWFIDO_API_URL,
            spServiceId: e.TWFIDO_SP_SERVICE_ID,
            spKey: e.TWFIDO_SP_KEY,
            pollInterval: e.TWFIDO_POLL_INTERVAL,
            timeLimit: e.TWFIDO_TIME_LIMIT,
            trustAnchors: e.TWFIDO_TRUST_ANCHORS,
          }
        : undefined,
    passOneTtl: e.PASS_ONE_TTL,
    card: {
      signerUrl: e.CARD_SIGNER_URL,
      trustAnchors: e.CARD_TRUST_ANCHORS,
      ocspUrl: e.CARD_OCSP_URL,
      httpTimeoutMs: e.CARD_HTTP_TIMEOUT_MS,
      renewalNoticeDays: e.CARD_RENEWAL_NOTICE_DAYS,
    },
    adminRequiredAcr: e.ADMIN_REQUIRED_ACR,
  });
}
