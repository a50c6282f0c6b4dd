import { describe, expect, it } from '@jest/globals';
import * as oidc from 'openid-client';
import { useTestInstance } from '../helpers/app.js';
import { CLIENT_SECRET, createAccount, createClient, PASSWORD } from '../helpers/fixtures.js';
import { discoverRp, loginAndGetTokens } from '../helpers/flow.js';

const t = useTestInstance();

describe('/oidc/v1/azp → /oidc/v1/token → /oidc/v1/userinfo', () => {
  it('logs a user in through the login page and issues a validated id_token', async () => {
    const account = await createAccount(t.runtime);
    await createClient(t.runtime, { first_party: true });
    const config = await discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
    const { tokens } = await loginAndGetTokens(t.issuer, config, {
      username: 'AA1234@kl.edu.tw',
      password: PASSWORD,
    });
    const claims = tokens.claims()!;
    expect(claims.sub).toBe(account.id);
    expect(claims.sub).not.toBe('aa1234');
    expect(claims.preferred_username).toBe('aa1234');
    expect(claims.amr).toEqual(['pwd']);
    expect(tokens.expires_in).toBe(3600);
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, account.id);
    expect(userinfo).toMatchObject({
      sub: account.id,
      name: '王小明',
      email: 'aa1234@kl.edu.tw',
      email_verified: true,
    });
  });
});

describe('without REDIS_URL', () => {
  it('keeps sessions, interactions and codes in Postgres and logs in the same way', async () => {
    const { startTestInstance } = await import('../helpers/app.js');
    const pgOnly = await startTestInstance({ REDIS_URL: '' });
    try {
      expect(pgOnly.runtime.redis).toBeUndefined();
      const account = await createAccount(pgOnly.runtime);
      await createClient(pgOnly.runtime, { first_party: true });
      const config = await discoverRp(pgOnly.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
      const { tokens } = await loginAndGetTokens(pgOnly.issuer, config, {
        username: 'aa1234',
        password: PASSWORD,
      });
      expect(tokens.claims()?.sub).toBe(account.id);
      const models = await pgOnly.runtime.db('oidc_payloads').distinct('model').pluck('model');
      expect(models).toEqual(expect.arrayContaining(['Session', 'AccessToken', 'Grant', 'RefreshToken']));
    } finally {
      await pgOnly.close();
    }
  });
});
