/**
 * edu-idp import FILE.json and the operator commands (keys, clients, consents), against the
 * test database: what an operator types on a fresh install.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createDb, type Db } from '../../src/adapters/db.js';
import { epochTime } from '../../src/adapters/oidc/payload-store.js';
import { PgPayloadStore } from '../../src/adapters/oidc/pg-payload-store.js';
import { importFile, runCli } from '../../src/cli.js';
import type { SettledConfig } from '../../src/runtime.js';
import { createClientService } from '../../src/services/clients.js';
import { createPasswordHasher } from '../../src/services/passwords.js';
import { createSecretBox } from '../../src/services/secret-box.js';
import { testConfig } from '../helpers/app.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../helpers/env.js';

const ISSUER = 'http://127.0.0.1:3999';
// one key-encryption key for importFile and runCli: secrets and signing keys must be readable by both
const KEK = randomBytes(32).toString('base64');
const COOKIE_KEYS = randomBytes(32).toString('base64url');
const SECRET = 'school-app-secret-0123456789abcdef';
const PASSWORD = 'correct horse battery staple';

const CLIENTS = [
  {
    client_id: 'school-app',
    client_secret: SECRET,
    client_name: '校務系統',
    redirect_uris: ['https://app.example.edu.tw/callback'],
    post_logout_redirect_uris: ['https://app.example.edu.tw/bye'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: 'openid profile email offline_access',
    first_party: true,
  },
  {
    // confidential without a secret: one is generated and printed once
    client_id: 'library',
    client_name: '圖書館',
    redirect_uris: ['https://library.example.edu.tw/oidc/callback'],
    token_endpoint_auth_method: 'client_secret_post',
  },
  {
    client_id: 'spa',
    client_name: 'Single-page app',
    redirect_uris: ['https://spa.example.edu.tw/'],
    token_endpoint_auth_method: 'none',
  },
];

const USERS = [
  {
    username: 'AB1234@kl.edu.tw',
    password: PASSWORD,
    email: 'ab1234@kl.edu.tw',
    email_verified: true,
    name: '林小華',
    family_name: '林',
    given_name: '小華',
  },
  { username: 'teacher01', password: 'a long passphrase for a teacher', must_change_password: true },
];

let db: Db;
let config: SettledConfig;
let dir: string;
let lines: string[];
const out = (line: string) => {
  lines.push(line);
};

const writeJson = (name: string, content: unknown) => {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(content, null, 2));
  return file;
};

const clientRow = (clientId: string) => db('clients').where({ client_id: clientId }).first();
const accountRow = (username: string) => db('accounts').where({ username }).first();

const ENV = {
  DATABASE_URL: TEST_DATABASE_URL,
  REDIS_URL: TEST_REDIS_URL,
  COOKIE_KEYS,
  KEY_ENCRYPTION_KEY: KEK,
  ARGON2_MEMORY_KIB: '1024',
  ARGON2_TIME_COST: '1',
  LOG_LEVEL: 'silent',
  ISSUER,
};
let savedEnv: Record<string, string | undefined>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edu-idp-import-'));
  config = testConfig(ISSUER, { KEY_ENCRYPTION_KEY: KEK, COOKIE_KEYS, DATA_DIR: dir });
  db = createDb(TEST_DATABASE_URL, 2);
  // signing keys are encrypted with the key-encryption key: start from none, ours are made below
  await db('signing_keys').delete();
  savedEnv = Object.fromEntries(['DATA_DIR', ...Object.keys(ENV)].map((k) => [k, process.env[k]]));
  Object.assign(process.env, ENV, { DATA_DIR: dir });
});

afterAll(async () => {
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  // leave no key encrypted with our key-encryption key: the next test file makes its own
  await db('signing_keys').delete();
  await db.raw('TRUNCATE accounts, clients, oidc_payloads CASCADE');
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  await db.raw('TRUNCATE accounts, clients, oidc_payloads, organizations, audit_log CASCADE');
  lines = [];
});

afterEach(() => {
  lines = [];
});

describe('edu-idp import FILE.json: the directory (bootstrap of a new installation)', () => {
  const DIRECTORY = {
    organizations: [
      {
        kind: 'school',
        code: '173637',
        name: '基隆市立暖暖國民小學',
        short_name: '暖暖國小',
        level: 'elementary',
        county: 'kl',
      },
      { kind: 'county', code: 'kl', name: '基隆市政府教育處' },
    ],
    users: [
      {
        username: 'county-admin',
        password: PASSWORD,
        school: '173637',
        identity_type: 'staff',
        titles: ['職員', '資訊組長'],
        roles: [{ role: 'county_admin', org: 'kl' }],
        openid2_ids: ['https://openid.kl.edu.tw/county-admin'],
        national_id: 'K221345677',
      },
    ],
  };

  it('creates the county, its schools and the first county admin, idempotently, with audit entries', async () => {
    const file = writeJson('directory.json', DIRECTORY);
    await importFile(config, file, out);
    expect(lines).toEqual([
      expect.stringMatching(/^user county-admin: created/),
      'county kl: created',
      'school 173637: created',
      'user county-admin: county_admin of kl',
    ]);
    const county = await db('organizations').where({ code: 'kl' }).first();
    const school = await db('organizations').where({ code: '173637' }).first();
    expect(school).toMatchObject({
      kind: 'school',
      parent_id: county.id,
      level: 'elementary',
      short_name: '暖暖國小',
    });
    const admin = await accountRow('county-admin');
    expect(admin).toMatchObject({
      school_id: school.id,
      identity_type: 'staff',
      national_id_masked: 'K22****677',
      openid2_ids: ['https://openid.kl.edu.tw/county-admin'],
    });
    expect(JSON.stringify(admin)).not.toContain('K221345677');
    expect(await db('role_assignments').where({ account_id: admin.id })).toEqual([
      expect.objectContaining({ role: 'county_admin', org_id: county.id }),
    ]);
    expect(
      (await db('account_titles').where({ account_id: admin.id }).orderBy('position')).map((t) => t.title),
    ).toEqual(['職員', '資訊組長']);
    expect(await db('audit_log').where({ via: 'cli' }).pluck('action')).toEqual(
      expect.arrayContaining(['organization.create', 'role.grant']),
    );

    lines = [];
    await importFile(config, file, out);
    expect(lines).toEqual([
      expect.stringMatching(/^user county-admin: updated/),
      'county kl: updated',
      'school 173637: updated',
    ]);
    expect(await db('role_assignments').count({ n: '*' })).toEqual([{ n: 1 }]);
  });

  it('rejects a file with an unknown organisation or a bad national ID before writing anything', async () => {
    const unknown = writeJson('unknown.json', {
      users: [{ username: 'x1', password: PASSWORD, roles: [{ role: 'school_admin', org: '999999' }] }],
    });
    await expect(importFile(config, unknown, out)).rejects.toThrow('unknown organisation code(s): 999999');
    const badId = writeJson('bad-id.json', {
      ...DIRECTORY,
      users: [{ ...DIRECTORY.users[0], national_id: 'K221345678' }],
    });
    await expect(importFile(config, badId, out)).rejects.toThrow('national_id is not a valid');
    expect(await db('accounts').count({ n: '*' })).toEqual([{ n: 0 }]);
    expect(await db('organizations').count({ n: '*' })).toEqual([{ n: 0 }]);
  });
});

describe('edu-idp import FILE.json (importFile)', () => {
  it('creates clients and users, prints a generated secret once, and changes nothing the second time', async () => {
    const file = writeJson('school.json', { clients: CLIENTS, users: USERS });
    await importFile(config, file, out);

    const generated = lines.find((l) => l.startsWith('  client_secret (shown once): '));
    expect(generated).toBeDefined();
    const librarySecret = generated!.slice('  client_secret (shown once): '.length);
    expect(librarySecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const alice = await accountRow('ab1234');
    expect(lines).toEqual([
      'client school-app: created',
      'client library: created',
      generated,
      'client spa: created',
      `user ab1234: created (sub ${alice.id})`,
      expect.stringMatching(/^user teacher01: created \(sub [0-9a-f-]{36}\)$/),
    ]);

    // the username is normalised; the password is stored as an argon2id hash that verifies
    expect(alice).toMatchObject({
      username: 'ab1234',
      email: 'ab1234@kl.edu.tw',
      email_verified: true,
      name: '林小華',
      family_name: '林',
      given_name: '小華',
      status: 'active',
      must_change_password: false,
    });
    expect(await accountRow('AB1234@kl.edu.tw')).toBeUndefined();
    expect(alice.password_hash).toMatch(/^\$argon2id\$/);
    const hasher = await createPasswordHasher(config.argon2);
    expect(await hasher.verify(alice.password_hash, PASSWORD)).toBe(true);
    expect(await hasher.verify(alice.password_hash, 'wrong password here')).toBe(false);
    expect((await accountRow('teacher01')).must_change_password).toBe(true);

    // secrets are stored as keyed hashes only; the given and the generated one both verify
    const clients = createClientService(db, createSecretBox(config.keyEncryptionKey));
    const school = (await clients.loadClientMetadata('school-app'))!;
    expect(school).toMatchObject({
      client_id: 'school-app',
      client_name: '校務系統',
      first_party: true,
      redirect_uris: ['https://app.example.edu.tw/callback'],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    expect(school.client_secret).toMatch(/^h1\./);
    expect(clients.verifyHashedSecret('school-app', SECRET, school.client_secret as string)).toBe(true);
    expect(clients.verifyHashedSecret('school-app', `${SECRET}x`, school.client_secret as string)).toBe(
      false,
    );
    const schoolRow = await clientRow('school-app');
    expect(JSON.stringify(schoolRow)).not.toContain(SECRET);
    expect(schoolRow.secret_encrypted).toBeNull();

    const library = (await clients.loadClientMetadata('library'))!;
    expect(library.first_party).toBe(false);
    expect(clients.verifyHashedSecret('library', librarySecret, library.client_secret as string)).toBe(true);
    expect(JSON.stringify(await clientRow('library'))).not.toContain(librarySecret);

    const spa = (await clients.loadClientMetadata('spa'))!;
    expect(spa.token_endpoint_auth_method).toBe('none');
    expect(spa.client_secret).toBeUndefined();
    expect(await clientRow('spa')).toMatchObject({ secret_hash: null, secret_encrypted: null });

    // second run: everything "updated", no new secret, the stored hashes unchanged
    const before = {
      clients: await db('clients')
        .select('client_id', 'metadata', 'secret_hash', 'secret_encrypted', 'first_party')
        .orderBy('client_id'),
      accounts: await db('accounts')
        .select('id', 'username', 'password_hash', 'password_changed_at')
        .orderBy('username'),
    };
    lines = [];
    await importFile(config, file, out);
    expect(lines).toEqual([
      'client school-app: updated',
      'client library: updated',
      'client spa: updated',
      `user ab1234: updated (sub ${alice.id})`,
      expect.stringMatching(/^user teacher01: updated/),
    ]);
    const after = {
      clients: await db('clients')
        .select('client_id', 'metadata', 'secret_hash', 'secret_encrypted', 'first_party')
        .orderBy('client_id'),
      accounts: await db('accounts')
        .select('id', 'username', 'password_hash', 'password_changed_at')
        .orderBy('username'),
    };
    expect(after).toEqual(before);
    expect(
      clients.verifyHashedSecret('library', librarySecret, (await clientRow('library')).secret_hash),
    ).toBe(true);
  });

  it('changes a password when the file has a new one', async () => {
    await importFile(config, writeJson('v1.json', { users: [USERS[0]] }), out);
    const first = await accountRow('ab1234');
    const newPassword = 'another correct horse battery';
    await importFile(config, writeJson('v2.json', { users: [{ ...USERS[0], password: newPassword }] }), out);
    const second = await accountRow('ab1234');
    expect(second.id).toBe(first.id);
    expect(second.password_hash).not.toBe(first.password_hash);
    const hasher = await createPasswordHasher(config.argon2);
    expect(await hasher.verify(second.password_hash, newPassword)).toBe(true);
  });

  it.each([
    [
      'a redirect URI with a #fragment',
      {
        client_id: 'bad-fragment',
        client_secret: SECRET,
        redirect_uris: ['https://app.example.edu.tw/cb#x'],
      },
    ],
    [
      'authorization_code without redirect_uris',
      { client_id: 'no-redirects', client_secret: SECRET, grant_types: ['authorization_code'] },
    ],
    [
      'an unknown token_endpoint_auth_method',
      {
        client_id: 'bad-auth',
        client_secret: SECRET,
        redirect_uris: ['https://app.example.edu.tw/cb'],
        token_endpoint_auth_method: 'tls_client_auth',
      },
    ],
  ])('rejects a client with %s, naming the client', async (_what, client) => {
    const file = writeJson('bad-client.json', { clients: [client] });
    await expect(importFile(config, file, out)).rejects.toThrow(new RegExp(`^client ${client.client_id}: `));
    expect(await clientRow(client.client_id)).toBeUndefined();
  });

  it('rejects a malformed file before touching the database, pointing at the field', async () => {
    const file = writeJson('malformed.json', {
      clients: [
        { client_id: 'short-secret', client_secret: 'tooshort', redirect_uris: ['https://a.example/cb'] },
      ],
      users: [{ username: 'x1', email: 'not-an-email' }],
    });
    const err = (await importFile(config, file, out).catch((e: Error) => e)) as Error;
    expect(err.message).toContain('clients.0.client_secret: client_secret must have at least 16 characters');
    expect(err.message).toContain('users.0.email');
    expect(await db('clients').count({ n: '*' })).toEqual([{ n: 0 }]);
    expect(await db('accounts').count({ n: '*' })).toEqual([{ n: 0 }]);
  });

  it.each([
    ['password123', 'password.too_common'],
    ['12345678', 'password.too_common'],
    ['short', 'password.too_short'],
    ['weakling-weakling', 'password.contains_username'],
  ])('rejects a user whose password is %s, naming the user', async (password, code) => {
    const file = writeJson('weak.json', { users: [{ username: 'Weakling', password }] });
    await expect(importFile(config, file, out)).rejects.toThrow(`user Weakling: ${code}`);
    expect(await accountRow('weakling')).toBeUndefined();
  });
});

describe('edu-idp commands (runCli)', () => {
  it('imports a file, lists clients, rotates and lists keys, and lists and revokes consents', async () => {
    const file = writeJson('school.json', { clients: CLIENTS, users: USERS });
    expect(await runCli(['import', file], out)).toBe(0);
    expect(lines).toContain('client school-app: created');
    expect(lines).toContain('client spa: created');

    lines = [];
    expect(await runCli(['clients', 'list'], out)).toBe(0);
    expect(lines).toEqual([
      'library  圖書館  auth=client_secret_post  first_party=false  redirect_uris=https://library.example.edu.tw/oidc/callback',
      'school-app  校務系統  auth=client_secret_basic  first_party=true  redirect_uris=https://app.example.edu.tw/callback',
      'spa  Single-page app  auth=none  first_party=false  redirect_uris=https://spa.example.edu.tw/',
    ]);

    lines = [];
    expect(await runCli(['keys', 'rotate'], out)).toBe(0);
    expect(lines[0]).toMatch(/^published (\S+); it signs from \d{4}-\d\d-\d\dT/);
    const kid = /^published (\S+);/.exec(lines[0]!)![1]!;
    expect(lines[1]).toMatch(/^\S+ stops signing then and stays published until /);

    lines = [];
    expect(await runCli(['keys', 'list'], out)).toBe(0);
    expect(lines).toHaveLength(2);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${kid}  RS256  published, pending  activates `)),
        expect.stringMatching(/^\S+ {2}RS256 {2}signing {2}activates .* published until /),
      ]),
    );
    expect(lines.find((l) => l.includes('  signing  '))).not.toContain(kid);

    // a second rotation while one is pending is refused
    await expect(runCli(['keys', 'rotate'], out)).rejects.toMatchObject({ code: 'keys.rotation_pending' });

    // a consent ab1234 gave school-app, as oidc-provider stores it
    const alice = await accountRow('ab1234');
    const grants = new PgPayloadStore(db);
    const grantId = randomUUID();
    const iat = epochTime() - 60;
    await grants.upsert(
      'Grant',
      grantId,
      {
        kind: 'Grant',
        jti: grantId,
        accountId: alice.id,
        clientId: 'school-app',
        iat,
        exp: iat + 3600,
        openid: { scope: 'openid profile email' },
      },
      3600,
    );
    await grants.upsert('RefreshToken', 'rt-1', { kind: 'RefreshToken', grantId, accountId: alice.id }, 3600);

    lines = [];
    expect(await runCli(['consents', 'list', 'AB1234@kl.edu.tw'], out)).toBe(0);
    expect(lines).toEqual([
      `school-app  openid profile email  granted ${new Date(iat * 1000).toISOString()}`,
    ]);

    lines = [];
    expect(await runCli(['consents', 'revoke', 'ab1234', 'school-app'], out)).toBe(0);
    expect(lines).toEqual(['revoked 1 consent(s) of ab1234 for school-app']);
    expect(await grants.find('Grant', grantId)).toBeUndefined();
    expect(await grants.find('RefreshToken', 'rt-1')).toBeUndefined();

    lines = [];
    expect(await runCli(['consents', 'list', 'ab1234'], out)).toBe(0);
    expect(lines).toEqual([]);
    await expect(runCli(['consents', 'list', 'nobody'], out)).rejects.toThrow('no account nobody');
  });

  it('prints the usage for an unknown or incomplete command', async () => {
    expect(await runCli(['consents', 'list'], out)).toBe(2);
    expect(lines[0]).toMatch(/^usage: edu-idp <command>/);
    lines = [];
    expect(await runCli(['frobnicate'], out)).toBe(2);
    expect(lines[0]).toMatch(/^usage: edu-idp/);
    lines = [];
    expect(await runCli(['--help'], out)).toBe(0);
    expect(lines[0]).toContain('import FILE.json');
  });
});
