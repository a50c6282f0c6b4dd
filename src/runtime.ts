/**
 * The composition root: connects the stores, builds the services, the provider and the
 * Koa app from a settled configuration. main.ts (npm start), the CLI and the tests use it.
 */
import { join } from 'node:path';
import type Koa from 'koa';
import pino, { type Logger } from 'pino';
import { ensureHistoryPartitions } from './adapters/db/history.js';
import { createDb, type Db, pingDb } from './adapters/db.js';
import { createMailer } from './adapters/mail/index.js';
import { createAdapterClass } from './adapters/oidc/adapter.js';
import type { PayloadStore } from './adapters/oidc/payload-store.js';
import { PgPayloadStore } from './adapters/oidc/pg-payload-store.js';
import { RedisPayloadStore } from './adapters/oidc/redis-payload-store.js';
import { createLimiterFactory } from './adapters/rate-limiter.js';
import { createRecordWriter, type RecordWriter } from './adapters/record-writer.js';
import { createRedis, pingRedis, type RedisClient } from './adapters/redis.js';
import { createSmsSender } from './adapters/sms/index.js';
import { createAdminRouter } from './admin/router.js';
import { CONSOLE_CLIENT_ID, consoleClient, createConsoleSessions } from './admin/session.js';
import { createApp } from './app.js';
import type { Config } from './config.js';
import { recordResumedLogin } from './interactions/finish.js';
import { acrValues } from './interactions/methods/index.js';
import { passOneClient } from './interactions/methods/pass-one/client.js';
import { logoutSource, postLogoutSuccessSource, renderError } from './interactions/provider-pages.js';
import { createInteractionStateStore } from './interactions/state.js';
import { type AccountSessions, accountClient, createAccountSessions } from './pages/account-session.js';
import { createProvider } from './provider/create-provider.js';
import { createFindAccount } from './provider/find-account.js';
import { createLoginPolicy } from './provider/policy.js';
import { createProviderHolder, type ProviderHolder } from './provider/provider-holder.js';
import { createResourceRouter } from './resources/router.js';
import { createAccountAdmin } from './services/account-admin.js';
import { createAccountSessionService } from './services/account-sessions.js';
import { type AccountTokenService, createAccountTokenService } from './services/account-tokens.js';
import { type AccountService, createAccountService } from './services/accounts.js';
import { createApplicationReview } from './services/application-review.js';
import { type ApplicationService, createApplicationService } from './services/applications.js';
import { createAuditLog } from './services/audit.js';
import { type CertificateService, certificateServiceFromConfig } from './services/certificates.js';
import { createClassService } from './services/classes.js';
import { type ClientService, createClientService } from './services/clients.js';
import { type ConsentService, createConsentService } from './services/consents.js';
import { createEduInfoService } from './services/eduinfo.js';
import { createHistoryRetention } from './services/history-retention.js';
import { createLoginPolicies } from './services/login-policies.js';
import { createLoginRecordSearch } from './services/login-record-search.js';
import {
  createLoginHistory,
  createLoginRecorder,
  type LoginHistory,
  type LoginRecorder,
} from './services/login-records.js';
import type { Mailer, SmsSender } from './services/messaging.js';
import { createPassOneService, type PassOneService } from './services/pass-one.js';
import { createPasskeyService, type PasskeyService } from './services/passkeys.js';
import { createPasswordHasher, type PasswordHasher } from './services/passwords.js';
import { createPersonIdentifiers } from './services/person-identifiers.js';
import { createPortalServices, type PortalServices } from './services/portal.js';
import { createRoleService } from './services/roles.js';
import { createRosterAdmin } from './services/roster/admin.js';
import { createRosterService } from './services/roster/import.js';
import { createSchoolService } from './services/schools.js';
import { createSecretBox, type SecretBox } from './services/secret-box.js';
import { createServiceCatalog, type ServiceCatalog } from './services/service-catalog.js';
import { ensureSigningKey, loadKeyset } from './services/signing-keys.js';
import { createThrottle, type Throttle } from './services/throttle.js';
import { createThrottleAdmin } from './services/throttle-admin.js';
import { createTransferService } from './services/transfers.js';
import { twFidoLoginFromConfig } from './services/twfido-login.js';
import {
  createVerificationCodeService,
  type VerificationCodeService,
} from './services/verification-codes.js';
import { createWhitelist } from './services/whitelist.js';

/** A Config whose secrets are present (main.ts generates them in evaluation mode). */
export type SettledConfig = Config & {
  cookieKeys: readonly string[];
  keyEncryptionKey: Buffer;
  databaseUrl: string;
};

export interface Runtime {
  config: SettledConfig;
  log: Logger;
  db: Db;
  redis: RedisClient | undefined;
  box: SecretBox;
  hasher: PasswordHasher;
  accounts: AccountService;
  mailer: Mailer;
  sms: SmsSender;
  verificationCodes: VerificationCodeService;
  accountTokens: AccountTokenService;
  applications: ApplicationService;
  clients: ClientService;
  consents: ConsentService;
  history: LoginHistory;
  writer: RecordWriter;
  recorder: LoginRecorder;
  shortLived: PayloadStore;
  durable: PgPayloadStore;
  holder: ProviderHolder;
  passkeys: PasskeyService;
  certificates: CertificateService;
  passOne: PassOneService;
  /** brute-force protection (services/throttle.ts) */
  throttle: Throttle;
  accountSessions: AccountSessions;
  /** the user portal's services (services/portal.ts) */
  portal: PortalServices;
  /** 服務: services, activations, the login gate (services/service-catalog.ts) */
  serviceCatalog: ServiceCatalog;
  app: Koa;
  close(): Promise<void>;
}

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({ level: config.logLevel, base: { service: 'edu-idp' } });
}

/** Stores and services, no provider and no app: what the CLI needs. */
export async function createServices(config: SettledConfig, log = createLogger(config)) {
  const db = createDb(config.databaseUrl, config.databasePoolMax);
  const redis = config.redisUrl ? createRedis(config.redisUrl) : undefined;
  if (redis) await redis.connect();
  const durable = new PgPayloadStore(db);
  const shortLived: PayloadStore = redis ? new RedisPayloadStore(redis) : durable;
  const box = createSecretBox(config.keyEncryptionKey);
  const hasher = await createPasswordHasher(config.argon2);
  const accounts = createAccountService(db, hasher);
  // 新帳號申請 and one-time account links: SMTP or DATA_DIR/outbox, SMS gateway or the outbox
  const mailer = createMailer(config);
  const sms = createSmsSender(config);
  const verificationCodes = createVerificationCodeService(shortLived, box, {
    ttl: config.verificationCodeTtl,
  });
  const accountTokens = createAccountTokenService({
    db,
    box,
    accounts,
    mailer,
    issuer: config.issuer,
    ttl: { activate: config.activationLinkTtl, reset: config.resetLinkTtl },
  });
  const applications = createApplicationService({
    db,
    box,
    mailer,
    sms,
    codes: verificationCodes,
    accountTokens,
    issuer: config.issuer,
    log,
  });
  const audit = createAuditLog(db);
  const consents = createConsentService(durable, shortLived);
  const history = createLoginHistory(db);
  // brute-force protection: counters in Redis shared by every node, in memory without Redis
  const limiters = createLimiterFactory(redis);
  const throttle = createThrottle({ counters: limiters.create, box, store: limiters.store });
  const whitelist = createWhitelist(db, config.tanetIpRanges, audit);
  // delegated administration: each service checks nothing itself but the record's own state;
  // the admin layer asks the policy first and passes the actor for the audit entry
  const roster = createRosterAdmin({
    db,
    audit,
    store: shortLived,
    // one instance per process: it remembers the last {seq} of each username prefix
    roster: createRosterService({ db, box, store: shortLived, usernameRule: config.studentUsernameRule }),
  });
  return {
    log,
    db,
    redis,
    durable,
    shortLived,
    box,
    hasher,
    accounts,
    mailer,
    sms,
    verificationCodes,
    accountTokens,
    applications,
    clients: createClientService(db, box),
    consents,
    // 服務: what users activate in the portal; the login gate of activation-required clients
    serviceCatalog: createServiceCatalog({ db, audit, consents }),
    history,
    // 登入紀錄: the admins' scoped search and CSV export over login_records
    loginRecordSearch: createLoginRecordSearch(db, audit),
    audit,
    whitelist,
    throttle,
    throttleAdmin: createThrottleAdmin({ throttle, accounts, audit }),
    // 一次登入: pass codes for students (admin/passone, interactions/methods/pass-one)
    passOne: createPassOneService({ db, box, audit, whitelist, store: shortLived, ttl: config.passOneTtl }),
    // passkeys: the relying party is the issuer (RP ID its host, its origin the only origin)
    // 行動自然人憑證: only when TW FidO is configured (methods/fido)
    twfido: config.twfido ? twFidoLoginFromConfig(config.twfido, { db, box }) : undefined,
    passkeys: createPasskeyService({
      db,
      store: shortLived,
      audit,
      issuer: config.issuer,
      rpName: '教育網路單一帳號 Education SSO',
    }),
    // 自然人憑證 on a card (methods/certificate, /account/certificate)
    certificates: certificateServiceFromConfig(config.card, { db, box, accounts, store: shortLived, log }),
    schools: createSchoolService(db, audit),
    classes: createClassService(db, audit),
    roles: createRoleService(db, audit),
    accountAdmin: createAccountAdmin({ db, box, hasher, audit, history, tokens: accountTokens }),
    transfers: createTransferService({ db, audit, box }),
    applicationReview: createApplicationReview({ db, applications, audit, accounts }),
    roster,
    // 啟用登入機制: the rules county admins keep; the login policy's source (provider/policy.ts)
    loginPolicies: createLoginPolicies(db, audit, {
      staticClients: [
        consoleClient(config.issuer),
        accountClient(config.issuer),
        passOneClient(config.issuer),
      ].map((c) => ({ clientId: c.client_id, name: c.client_name ?? c.client_id })),
    }),
    async close() {
      if (redis) await redis.quit().catch(() => undefined);
      await db.destroy();
    },
  };
}

export async function createRuntime(config: SettledConfig, log = createLogger(config)): Promise<Runtime> {
  const services = await createServices(config, log);
  const { db, redis, durable, shortLived, box, accounts, clients } = services;

  await ensureHistoryPartitions(db);
  // retention: drop whole monthly partitions past LOGIN_RECORD_RETENTION_DAYS (never a DELETE)
  const retention = createHistoryRetention(db, config.loginRecordRetentionDays);
  const pruneHistory = async () => {
    const r = await retention.prune();
    if (r.dropped.length) {
      log.info(
        { dropped: r.dropped.map((p) => p.partition), cutoff: r.cutoff },
        'login history past retention dropped',
      );
    }
    if (r.failed.length) {
      log.warn({ failed: r.failed }, 'login history partitions not dropped; retried next run');
    }
    if (r.defaultRowsPastRetention.length) {
      log.warn(
        { tables: r.defaultRowsPastRetention },
        'default partitions hold rows past retention (not deleted)',
      );
    }
  };
  await pruneHistory().catch((err) => log.error({ err }, 'login history retention failed'));
  const writer = createRecordWriter(db, {
    spoolDir: join(config.dataDir, 'spool'),
    flushMs: config.loginRecordFlushMs,
    onError: (err, pending) => log.warn({ err, pending }, 'login records not yet written; kept in the spool'),
  });
  const recorder = createLoginRecorder(writer);
  // an account's live OP sessions: the portal lists and ends them, the console ends them
  const opSessions = createAccountSessionService({
    db,
    store: shortLived,
    recorder,
    sessionTtl: config.ttl.session,
  });
  const state = createInteractionStateStore(shortLived);
  // directory claims: eduinfo, personid and guid (scopes in provider/configuration.ts)
  const claimSources = { eduinfo: createEduInfoService(db), identifiers: createPersonIdentifiers(box) };

  await ensureSigningKey(db, box);
  // one policy for the provider's step-up check and the interactions' finishLogin
  const loginPolicy = createLoginPolicy(services.loginPolicies, {
    adminRequiredAcr: config.adminRequiredAcr,
    consoleClientId: CONSOLE_CLIENT_ID,
  });
  const Adapter = createAdapterClass({
    shortLived,
    durable,
    loadClient: async (id) => (await clients.loadClientMetadata(id)) as never,
  });
  const holder = await createProviderHolder({
    loadKeyset: () => loadKeyset(db, box),
    intervalMs: config.keyRefreshInterval * 1000,
    onError: (err) => log.error({ err }, 'signing key refresh failed'),
    onSwap: (k) => log.info({ signingKid: k.signingKid }, 'signing keys changed'),
    build: (keyset) =>
      createProvider(config, {
        adapter: Adapter,
        findAccount: createFindAccount(accounts, claimSources),
        jwks: keyset.jwks,
        cookieKeys: config.cookieKeys,
        acrValues,
        loginPolicy,
        isActivationMissing: (accountId, clientId) =>
          services.serviceCatalog.isActivationMissing(accountId, clientId),
        staticClients: [
          consoleClient(config.issuer),
          passOneClient(config.issuer),
          accountClient(config.issuer),
        ],
        findRememberedGrantId: async (accountId, clientId) =>
          (await durable.findGrants(accountId, clientId))[0]?.id,
        logoutSource,
        postLogoutSuccessSource,
        renderError,
        clients,
        recorder,
        onLoginResumed: (ctx) => recordResumedLogin(recorder, ctx),
        onError: (err, where) => log.error({ err, where }, 'provider error'),
      }),
  });

  const adminRouter = createAdminRouter({
    ...services,
    config,
    provider: () => holder.current(),
    sessions: createConsoleSessions(shortLived, config.issuer, config.ttl.session),
    opSessions,
  });

  const resourceRouter = createResourceRouter({
    ...claimSources,
    provider: () => holder.current(),
    accounts,
    realm: config.issuer,
  });

  // the account pages' (/account/passkeys) own sign-in, like the console's
  const accountSessions = createAccountSessions(shortLived, config.issuer);
  // the user portal (/account, /account/logins, /account/profile)
  const portal = createPortalServices({
    ...services,
    sessions: opSessions,
    staticClients: [consoleClient(config.issuer), accountClient(config.issuer), passOneClient(config.issuer)],
  });
  const app = createApp({
    resourceRouter,
    adminRouter,
    applications: services.applications,
    accountTokens: services.accountTokens,
    config,
    log,
    holder,
    accounts,
    recorder,
    state,
    throttle: services.throttle,
    passOne: services.passOne,
    passkeys: services.passkeys,
    twfido: services.twfido,
    certificates: services.certificates,
    loginPolicy,
    accountSessions,
    portal,
    serviceCatalog: services.serviceCatalog,
    checkReady: async () => {
      await Promise.all([pingDb(db), redis ? pingRedis(redis) : undefined]);
    },
  });

  const timers = [
    setInterval(
      () => void durable.deleteExpired().catch((err) => log.warn({ err }, 'expired payload cleanup failed')),
      10 * 60_000,
    ),
    setInterval(
      () =>
        void ensureHistoryPartitions(db)
          .catch((err) => log.error({ err }, 'partition maintenance failed'))
          .then(pruneHistory)
          .catch((err) => log.error({ err }, 'login history retention failed')),
      24 * 3600_000,
    ),
  ];
  for (const t of timers) t.unref();

  return {
    ...services,
    config,
    writer,
    recorder,
    holder,
    accountSessions,
    portal,
    app,
    async close() {
      for (const t of timers) clearInterval(t);
      holder.stop();
      await writer.close();
      await services.close();
    },
  };
}
