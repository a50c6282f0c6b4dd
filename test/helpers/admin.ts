/**
 * Directory fixtures and admin sign-in for tests: a county with schools, accounts with roles,
 * a browser-less console session through the real OP login, and admin API access tokens from
 * a real code flow.
 */
import type { Runtime } from '../../src/runtime.js';
import { withCheckDigit } from '../../src/services/national-id.js';
import { createAccount, PASSWORD } from './fixtures.js';
import { discoverRp, loginAndGetTokens } from './flow.js';
import { HttpAgent, submitLoginForm } from './http-agent.js';

export interface Directory {
  countyId: string;
  schoolA: string;
  schoolB: string;
}

/** 基隆市 with two schools (A 173637 國小, B 173501 國中); ids returned. */
export async function seedDirectory(runtime: Runtime): Promise<Directory> {
  const [county] = await runtime
    .db('organizations')
    .insert({ kind: 'county', code: 'kl', name: '基隆市政府教育處' })
    .returning('id');
  const [a, b] = await runtime
    .db('organizations')
    .insert([
      {
        kind: 'school',
        code: '173637',
        name: '基隆市立暖暖國民小學',
        short_name: '暖暖國小',
        level: 'elementary',
        parent_id: county.id,
      },
      {
        kind: 'school',
        code: '173501',
        name: '基隆市立建德國民中學',
        short_name: '建德國中',
        level: 'junior',
        parent_id: county.id,
      },
    ])
    .returning('id');
  return { countyId: county.id, schoolA: a.id, schoolB: b.id };
}

export async function grantRole(
  runtime: Runtime,
  accountId: string,
  role: 'county_admin' | 'school_admin',
  orgId: string,
): Promise<void> {
  await runtime.db('role_assignments').insert({ account_id: accountId, role, org_id: orgId });
}

let idSeq = 0;
/** A valid, obviously fake national ID (check digit solved, reference §11.3). */
export function fakeNationalId(letter = 'B', sex: '1' | '2' = '1'): string {
  idSeq += 1;
  return withCheckDigit(`${letter}${sex}${String(9_000_000 + idSeq).slice(-7)}`);
}

/** An account at a school with titles, e.g. a school admin or a teacher. */
export async function createMember(
  runtime: Runtime,
  p: {
    username: string;
    schoolId: string | null;
    identityType?: 'student' | 'teacher' | 'staff' | 'other';
    name?: string;
    titles?: string[];
    role?: { role: 'county_admin' | 'school_admin'; orgId: string };
  },
) {
  const account = await createAccount(runtime, { username: p.username });
  await runtime
    .db('accounts')
    .where({ id: account.id })
    .update({
      school_id: p.schoolId,
      identity_type: p.identityType ?? 'teacher',
      name: p.name ?? p.username,
    });
  if (p.schoolId) {
    const titles = p.titles ?? (p.identityType === 'student' ? ['學生'] : ['教師']);
    if (titles.length) {
      await runtime.db('account_titles').insert(
        titles.map((title, position) => ({
          account_id: account.id,
          school_id: p.schoolId,
          title,
          position,
        })),
      );
    }
  }
  if (p.role) await grantRole(runtime, account.id, p.role.role, p.role.orgId);
  return { ...account, schoolId: p.schoolId };
}

/** Signs in to the admin console through /admin/login and the OP's login page. */
export async function consoleLogin(
  issuer: string,
  username: string,
  password = PASSWORD,
): Promise<HttpAgent> {
  const agent = new HttpAgent(issuer);
  const loginPage = await agent.follow('/admin/login');
  if (!loginPage.body.includes('/password')) throw new Error(`no login page: ${loginPage.status}`);
  const done = await submitLoginForm(agent, loginPage.body, username, password);
  if (done.status !== 200 || !done.url.endsWith('/admin')) {
    throw new Error(`console sign-in ended at ${done.url} (${done.status})`);
  }
  return agent;
}

export const ADMIN_CLIENT = { client_id: 'admin-cli', client_secret: 'admin-cli-secret-0123456789abcdef' };

/** An access token with the admin scope, from a real code flow of an admin client. */
export async function adminApiToken(runtime: Runtime, issuer: string, username: string): Promise<string> {
  await runtime.clients.upsert({
    ...ADMIN_CLIENT,
    client_name: 'Admin CLI',
    redirect_uris: ['https://admin-cli.example.edu.tw/cb'],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: 'openid admin',
    first_party: true,
  });
  const rp = await discoverRp(issuer, {
    clientId: ADMIN_CLIENT.client_id,
    clientSecret: ADMIN_CLIENT.client_secret,
  });
  const { tokens } = await loginAndGetTokens(issuer, rp, {
    username,
    password: PASSWORD,
    scope: 'openid admin',
    redirectUri: 'https://admin-cli.example.edu.tw/cb',
  });
  return tokens.access_token;
}
