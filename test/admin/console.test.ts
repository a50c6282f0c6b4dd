import { describe, expect, it } from '@jest/globals';
import { adminApiToken, consoleLogin, createMember, seedDirectory } from '../helpers/admin.js';
import { useTestInstance } from '../helpers/app.js';
import { createAccount } from '../helpers/fixtures.js';
import { csrfFrom, HttpAgent } from '../helpers/http-agent.js';

const env = useTestInstance();

describe('GET /admin (console sign-in through the OP)', () => {
  it('sends an anonymous browser to the OP login page and back to the console', async () => {
    const { schoolA } = await seedDirectory(env.runtime);
    await createMember(env.runtime, {
      username: 'admin-a',
      schoolId: schoolA,
      role: { role: 'school_admin', orgId: schoolA },
    });
    const agent = new HttpAgent(env.issuer);
    const first = await agent.request('/admin?x=1');
    expect(first.status).toBe(302);
    expect(first.location).toBe(`${env.issuer}/admin/login?return=${encodeURIComponent('/admin?x=1')}`);

    const console = await consoleLogin(env.issuer, 'admin-a');
    const home = await console.request('/admin');
    expect(home.status).toBe(200);
    expect(home.body).toContain('學校管理者');
    expect(home.body).toContain('基隆市立暖暖國民小學');
    expect(home.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(home.headers.get('cache-control')).toBe('no-store');

    const english = await console.request('/admin?lang=en');
    expect(english.body).toContain('School administrator');
  });

  it('shows an account without any role that it has none, not the console', async () => {
    await createAccount(env.runtime, { username: 'plain' });
    const agent = new HttpAgent(env.issuer);
    const page = await agent.follow('/admin/login');
    const { submitLoginForm } = await import('../helpers/http-agent.js');
    const done = await submitLoginForm(agent, page.body, 'plain', 'correct horse battery staple');
    expect(done.status).toBe(403);
    expect(done.body).toContain('沒有管理權限');
  });

  it('refuses a callback whose state does not match, with a page and no 500', async () => {
    const agent = new HttpAgent(env.issuer);
    await agent.request('/admin/login');
    const res = await agent.request('/admin/callback?code=forged&state=wrong');
    expect(res.status).toBe(400);
    expect(res.body).toContain('登入管理後台失敗');
  });

  it('signs out only with the CSRF token, then through the OP logout', async () => {
    const { countyId } = await seedDirectory(env.runtime);
    await createMember(env.runtime, {
      username: 'county',
      schoolId: null,
      role: { role: 'county_admin', orgId: countyId },
    });
    const agent = await consoleLogin(env.issuer, 'county');
    const home = await agent.request('/admin');
    const forged = await agent.request('/admin/logout', { form: { csrf: 'x' } });
    expect(forged.status).toBe(403);
    const out = await agent.request('/admin/logout', { form: { csrf: csrfFrom(home.body) } });
    expect(out.status).toBe(302);
    expect(out.location).toContain('/oidc/v1/logout');
    expect(out.location).toContain('client_id=edu-idp-console');
    const after = await agent.request('/admin');
    expect(after.status).toBe(302);
  });

  it('closes the console when the OP session ends elsewhere (logout from the OP page)', async () => {
    const { countyId } = await seedDirectory(env.runtime);
    await createMember(env.runtime, {
      username: 'county',
      schoolId: null,
      role: { role: 'county_admin', orgId: countyId },
    });
    const agent = await consoleLogin(env.issuer, 'county');
    expect((await agent.request('/admin')).status).toBe(200);
    const page = await agent.follow('/oidc/v1/logout');
    const action = /<form[^>]*action="([^"]+)"/.exec(page.body)?.[1]?.replaceAll('&amp;', '&');
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(page.body)?.[1];
    await agent.follow(action!, { form: { xsrf: xsrf!, logout: 'yes' } });
    const after = await agent.request('/admin');
    expect(after.status).toBe(302);
    expect(after.location).toContain('/admin/login');
    expect((await agent.request('/admin/api/v1/me')).status).toBe(401);
  });
});

describe('/admin/api/v1', () => {
  it('serves its OpenAPI document', async () => {
    const res = await fetch(`${env.issuer}/admin/api/v1/openapi.json`);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/admin/api/v1/me');
  });

  it('answers 401 with WWW-Authenticate without a token, and to a forged one', async () => {
    const none = await fetch(`${env.issuer}/admin/api/v1/me`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    const forged = await fetch(`${env.issuer}/admin/api/v1/me`, {
      headers: { authorization: 'Bearer nope' },
    });
    expect(forged.status).toBe(401);
  });

  it('accepts an access token with the admin scope and a console session', async () => {
    const { schoolA } = await seedDirectory(env.runtime);
    await createMember(env.runtime, {
      username: 'admin-a',
      schoolId: schoolA,
      role: { role: 'school_admin', orgId: schoolA },
    });
    const token = await adminApiToken(env.runtime, env.issuer, 'admin-a');
    const res = await fetch(`${env.issuer}/admin/api/v1/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const me = (await res.json()) as Record<string, unknown>;
    expect(me).toMatchObject({ username: 'admin-a', school_ids: [schoolA], county_ids: [] });

    const agent = await consoleLogin(env.issuer, 'admin-a');
    const viaSession = await agent.request('/admin/api/v1/me');
    expect(viaSession.status).toBe(200);
    expect(JSON.parse(viaSession.body)).toMatchObject({ username: 'admin-a' });
  });

  it('refuses a token without the admin scope (insufficient_scope)', async () => {
    const { schoolA } = await seedDirectory(env.runtime);
    await createMember(env.runtime, {
      username: 'admin-a',
      schoolId: schoolA,
      role: { role: 'school_admin', orgId: schoolA },
    });
    const { createClient, CLIENT_SECRET } = await import('../helpers/fixtures.js');
    const { discoverRp, loginAndGetTokens } = await import('../helpers/flow.js');
    await createClient(env.runtime, { first_party: true });
    const rp = await discoverRp(env.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
    const { tokens } = await loginAndGetTokens(env.issuer, rp, {
      username: 'admin-a',
      password: 'correct horse battery staple',
      scope: 'openid admin',
    });
    const res = await fetch(`${env.issuer}/admin/api/v1/me`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('insufficient_scope');
  });
});
