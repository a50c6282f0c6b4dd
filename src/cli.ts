/**
 * edu-idp command line: serve (default), migrate, import FILE.json, keys rotate|list,
 * clients list, history prune. Reads the same configuration as the server.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { findOrganizationIdsByCodes } from './adapters/db/directory-import.js';
import { createDb, migrateLatest } from './adapters/db.js';
import { createAdapterClass } from './adapters/oidc/adapter.js';
import { ConfigError, loadConfig } from './config.js';
import { isAppError } from './errors.js';
import { acrValues } from './interactions/methods/index.js';
import { providerConfiguration } from './provider/configuration.js';
import { createServices, type SettledConfig } from './runtime.js';
import { normalizeUsername } from './services/accounts.js';
import { clientInputSchema } from './services/clients.js';
import { importDirectory, type UserDirectoryImport } from './services/directory-import.js';
import { createHistoryRetention } from './services/history-retention.js';
import { isValidNationalId } from './services/national-id.js';
import { checkPasswordPolicy } from './services/passwords.js';
import { ensureSigningKey, listSigningKeys, loadKeyset, rotateSigningKeys } from './services/signing-keys.js';
import { settleConfig } from './settle.js';

const USAGE = `usage: edu-idp <command>
  serve                 run the identity provider (default; same as npm start)
  migrate               apply database migrations
  import FILE.json      upsert { "organizations": [...], "clients": [...], "users": [...] } (idempotent)
  keys rotate [--now]   publish a new signing key; it signs after KEY_ACTIVATION_DELAY (or at once with --now)
  keys list             show signing keys and their state
  clients list          show registered clients
  history prune         drop login-history partitions past LOGIN_RECORD_RETENTION_DAYS, print what went
  consents list USERNAME             show the clients a user has consented to
  consents revoke USERNAME CLIENT_ID revoke that consent and every token issued under it`;

const userInputSchema = z.object({
  username: z.string().min(1),
  password: z.string().optional(),
  email: z.string().email().optional(),
  email_verified: z.boolean().optional(),
  name: z.string().optional(),
  given_name: z.string().optional(),
  family_name: z.string().optional(),
  must_change_password: z.boolean().optional(),
  status: z.enum(['active', 'disabled']).optional(),
  // the directory (issue 3): where the person belongs and what they administer
  school: z.string().optional(),
  identity_type: z.enum(['student', 'teacher', 'staff', 'other']).optional(),
  titles: z.array(z.string().min(1)).optional(),
  roles: z
    .array(z.object({ role: z.enum(['county_admin', 'school_admin']), org: z.string().min(1) }))
    .optional(),
  openid2_ids: z.array(z.url()).optional(),
  national_id: z.string().optional(),
});

const organizationInputSchema = z
  .object({
    kind: z.enum(['county', 'school']),
    code: z
      .string()
      .regex(/^[0-9A-Za-z]{2,8}$/, 'a MOE school code (6–8 letters or digits) or a county code'),
    name: z.string().min(1),
    short_name: z.string().optional(),
    level: z.enum(['elementary', 'junior', 'senior', 'other']).optional(),
    county: z.string().optional(),
  })
  .refine((o) => o.kind === 'county' || (o.county && o.level), 'a school needs its county (code) and level');

const importFileSchema = z.object({
  organizations: z.array(organizationInputSchema).default([]),
  clients: z.array(clientInputSchema).default([]),
  users: z.array(userInputSchema).default([]),
});

type Out = (line: string) => void;

function referencedCodes(file: z.infer<typeof importFileSchema>): string[] {
  return [
    ...file.organizations.flatMap((o) => (o.county ? [o.county] : [])),
    ...file.users.flatMap((u) => [...(u.school ? [u.school] : []), ...(u.roles ?? []).map((r) => r.org)]),
  ];
}

async function withServices<T>(
  config: SettledConfig,
  fn: (s: Awaited<ReturnType<typeof createServices>>) => Promise<T>,
) {
  const services = await createServices(config);
  try {
    return await fn(services);
  } finally {
    await services.close();
  }
}

export async function importFile(config: SettledConfig, file: string, out: Out): Promise<void> {
  const parsed = importFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(
      `${file}:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  }
  // users are checked before anything is written, so a rejected file leaves no half import
  const rejected = parsed.data.users.flatMap((u) => {
    const problem =
      u.password === undefined
        ? undefined
        : checkPasswordPolicy(u.password, { username: normalizeUsername(u.username) });
    const idProblem = u.national_id !== undefined && !isValidNationalId(u.national_id);
    return [
      ...(problem ? [`user ${u.username}: ${problem.code}`] : []),
      ...(idProblem ? [`user ${u.username}: national_id is not a valid national ID or resident number`] : []),
    ];
  });
  if (rejected.length) throw new Error(rejected.join('\n'));
  await withServices(config, async ({ db, box, accounts, clients, durable, shortLived, audit }) => {
    // every organisation a user or school refers to must exist in the file or the database
    const known = new Set([
      ...parsed.data.organizations.map((o) => o.code),
      ...(await findOrganizationIdsByCodes(db, referencedCodes(parsed.data))).keys(),
    ]);
    const missing = referencedCodes(parsed.data).filter((c) => !known.has(c));
    if (missing.length) throw new Error(`unknown organisation code(s): ${[...new Set(missing)].join(', ')}`);
    await ensureSigningKey(db, box);
    const keyset = await loadKeyset(db, box);
    const { default: Provider } = await import('oidc-provider');
    const noop = async () => undefined;
    const validator = new Provider(
      config.issuer,
      providerConfiguration(config, {
        // the real adapter, though validation stores nothing: without one oidc-provider warns
        // about its development-only in-memory adapter
        adapter: createAdapterClass({ durable, shortLived, loadClient: noop }),
        findAccount: noop,
        jwks: keyset.jwks,
        cookieKeys: config.cookieKeys,
        acrValues,
        findRememberedGrantId: noop,
        logoutSource: noop,
        postLogoutSuccessSource: noop,
        renderError: noop,
      }),
    );
    for (const client of parsed.data.clients) {
      const result = await clients.upsert(client, async (metadata) => {
        try {
          await validator.Client.validate(metadata as never);
        } catch (err) {
          const e = err as { error_description?: string; message: string };
          throw new Error(`client ${client.client_id}: ${e.error_description ?? e.message}`);
        }
      });
      out(`client ${result.clientId}: ${result.created ? 'created' : 'updated'}`);
      if (result.generatedSecret) out(`  client_secret (shown once): ${result.generatedSecret}`);
    }
    const directory: UserDirectoryImport[] = [];
    for (const user of parsed.data.users) {
      try {
        const { account, created } = await accounts.upsert({
          username: user.username,
          password: user.password,
          email: user.email,
          emailVerified: user.email_verified,
          name: user.name,
          givenName: user.given_name,
          familyName: user.family_name,
          mustChangePassword: user.must_change_password,
          status: user.status,
        });
        out(`user ${account.username}: ${created ? 'created' : 'updated'} (sub ${account.id})`);
        directory.push({ ...user, accountId: account.id, username: account.username });
      } catch (err) {
        if (isAppError(err)) throw new Error(`user ${user.username}: ${err.code}`);
        throw err;
      }
    }
    await importDirectory(
      { db, box, audit },
      { organizations: parsed.data.organizations, users: directory },
      out,
    );
  });
}

export async function runCli(argv: string[], out: Out = console.log): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { now: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
  });
  const [command = 'serve', sub] = positionals;
  if (values.help || command === 'help') {
    out(USAGE);
    return 0;
  }
  if (command === 'serve') {
    const { serve } = await import('./main.js');
    await serve();
    return 0;
  }
  const settled = await settleConfig(loadConfig());
  const { config } = settled;
  try {
    const [, , arg1, arg2] = positionals;
    switch (`${command}${sub && command !== 'import' ? ` ${sub}` : ''}`) {
      case 'consents list':
      case 'consents revoke':
        if (!arg1 || (sub === 'revoke' && !arg2)) break;
        return await withServices(config, async ({ accounts, consents }) => {
          const account = await accounts.findByUsername(arg1);
          if (!account) throw new Error(`no account ${arg1}`);
          if (sub === 'revoke') {
            out(
              `revoked ${await consents.revoke(account.id, arg2!)} consent(s) of ${account.username} for ${arg2}`,
            );
            return 0;
          }
          for (const c of await consents.list(account.id)) {
            out(`${c.clientId}  ${c.scopes.join(' ')}  granted ${c.grantedAt.toISOString()}`);
          }
          return 0;
        });
      case 'migrate': {
        const db = createDb(config.databaseUrl, 1);
        try {
          const applied = await migrateLatest(db);
          out(applied.length ? `applied: ${applied.join(', ')}` : 'already up to date');
        } finally {
          await db.destroy();
        }
        return 0;
      }
      case 'import':
        if (!sub) break;
        await importFile(config, sub, out);
        return 0;
      case 'keys rotate':
        return await withServices(config, async ({ db, box }) => {
          await ensureSigningKey(db, box);
          const r = await rotateSigningKeys(db, box, {
            activationDelay: values.now ? 0 : config.keyActivationDelay,
            maxSignedLifetime: Math.max(config.ttl.idToken, config.ttl.accessToken),
          });
          out(`published ${r.kid}; it signs from ${r.activatesAt.toISOString()}`);
          if (r.retired)
            out(
              `${r.retired} stops signing then and stays published until ${r.retiredPublishedUntil.toISOString()}`,
            );
          return 0;
        });
      case 'keys list':
        return await withServices(config, async ({ db }) => {
          for (const k of await listSigningKeys(db)) {
            out(
              `${k.kid}  ${k.alg}  ${k.state}  activates ${k.activatesAt.toISOString()}${k.publishedUntil ? `  published until ${k.publishedUntil.toISOString()}` : ''}`,
            );
          }
          return 0;
        });
      case 'history prune':
        return await withServices(config, async ({ db }) => {
          const r = await createHistoryRetention(db, config.loginRecordRetentionDays).prune();
          out(`retention ${r.retentionDays} days: records before ${r.cutoff.toISOString()} are past it`);
          for (const p of r.dropped) {
            out(
              `dropped ${p.partition} (${p.from.toISOString()} to ${p.to.toISOString()}, about ${p.approxRows} rows)`,
            );
          }
          if (!r.dropped.length) out('no partition past retention');
          for (const f of r.failed) out(`not dropped ${f.partition}: ${f.error} (try again later)`);
          for (const d of r.defaultRowsPastRetention) {
            out(
              `${d.table} holds ${d.rows} rows past retention: not deleted (look at them, then delete by hand)`,
            );
          }
          return r.failed.length ? 1 : 0;
        });
      case 'clients list':
        return await withServices(config, async ({ clients }) => {
          for (const c of await clients.list()) {
            const m = c.metadata as {
              client_name?: string;
              token_endpoint_auth_method?: string;
              redirect_uris?: string[];
            };
            out(
              `${c.clientId}  ${m.client_name ?? ''}  auth=${m.token_endpoint_auth_method ?? 'client_secret_basic'}  first_party=${c.firstParty}  redirect_uris=${(m.redirect_uris ?? []).join(' ')}`,
            );
          }
          return 0;
        });
    }
    out(USAGE);
    return 2;
  } finally {
    await settled.stopEmbedded?.();
  }
}

export async function main(argv = process.argv.slice(2)): Promise<void> {
  try {
    const code = await runCli(argv);
    if (argv[0] && argv[0] !== 'serve') process.exit(code);
  } catch (err) {
    if (err instanceof ConfigError) console.error(err.message);
    else if (isAppError(err)) console.error(`${err.code}: ${err.message}`);
    else console.error(err instanceof Error ? err.message : err);
    process.exit(err instanceof ConfigError ? 2 : 1);
  }
}
