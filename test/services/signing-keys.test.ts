import { beforeEach, describe, expect, it } from '@jest/globals';
import { decodeProtectedHeader, type JWK } from 'jose';
import { rotateSigningKeys } from '../../src/services/signing-keys.js';
import { useTestInstance } from '../helpers/app.js';
import { CLIENT_SECRET, createAccount, createClient, PASSWORD } from '../helpers/fixtures.js';
import { discoverRp, loginAndGetTokens } from '../helpers/flow.js';

const t = useTestInstance();
beforeEach(async () => {
  // every test starts from one signing key
  await t.runtime.db('signing_keys').delete();
  const { ensureSigningKey } = await import('../../src/services/signing-keys.js');
  await ensureSigningKey(t.runtime.db, t.runtime.box);
  await t.runtime.holder.refresh();
  await createAccount(t.runtime);
  await createClient(t.runtime, { first_party: true });
});

const jwks = async () =>
  ((await (await fetch(`${t.issuer}/oidc/v1/jwksets`)).json()) as { keys: JWK[] }).keys;
async function idTokenKid() {
  const config = await discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
  const { tokens } = await loginAndGetTokens(t.issuer, config, { username: 'aa1234', password: PASSWORD });
  return decodeProtectedHeader(tokens.id_token!).kid;
}
const rotate = (activationDelay: number) =>
  rotateSigningKeys(t.runtime.db, t.runtime.box, { activationDelay, maxSignedLifetime: 3600 });

describe('edu-idp keys rotate', () => {
  it('publishes the new key before it signs, keeping the current signing key first', async () => {
    const [current] = await jwks();
    const rotated = await rotate(3600);
    await t.runtime.holder.refresh();
    const keys = await jwks();
    expect(keys.map((k) => k.kid)).toEqual([current!.kid, rotated.kid]);
    expect(await idTokenKid()).toBe(current!.kid);
    await expect(rotate(3600)).rejects.toMatchObject({ code: 'keys.rotation_pending' });
  });

  it('signs with the new key once it activates and keeps the old one published until its tokens expire', async () => {
    const [old] = await jwks();
    const rotated = await rotate(0);
    expect(await t.runtime.holder.refresh()).toBe(true);
    const keys = await jwks();
    expect(keys[0]!.kid).toBe(rotated.kid);
    expect(keys[0]!.alg).toBe('RS256');
    expect(keys.map((k) => k.kid)).toContain(old!.kid);
    expect(await idTokenKid()).toBe(rotated.kid);
    const row = await t.runtime.db('signing_keys').where({ kid: old!.kid }).first();
    expect(row.published_until.getTime()).toBeGreaterThan(Date.now() + 3500_000);

    // once every token it signed has expired it is no longer published
    await t.runtime
      .db('signing_keys')
      .where({ kid: old!.kid })
      .update({ published_until: new Date(Date.now() - 1000) });
    await t.runtime.holder.refresh();
    expect((await jwks()).map((k) => k.kid)).toEqual([rotated.kid]);
  });

  it('keeps private keys encrypted with the key-encryption key', async () => {
    const rows = await t.runtime.db('signing_keys');
    expect(rows).toHaveLength(1);
    expect(rows[0].private_jwk_encrypted).toMatch(/^v1\./);
    expect(rows[0].private_jwk_encrypted).not.toContain('"d"');
    expect(Object.keys(rows[0].public_jwk)).not.toContain('d');
  });
});
