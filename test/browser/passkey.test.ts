/**
 * Passkeys in a real browser: Chromium with a CDP virtual authenticator (CTAP2, internal,
 * resident keys, user verification) registers a passkey on /account/passkeys and then signs
 * in to a local RP with it, through /static/passkey.js and @simplewebauthn/browser.
 *
 * The issuer is http://localhost:<port>: a WebAuthn RP ID must be a domain, not an IP address,
 * and localhost is a secure context over plain HTTP.
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { resetStores, startTestInstance, type TestInstance } from '../helpers/app.js';
import { CLIENT_SECRET, createAccount, createClient, PASSWORD } from '../helpers/fixtures.js';
import { discoverRp } from '../helpers/flow.js';
import { browserDescribe, launchChromium, screenshot, watchPage } from './chromium.js';
import { startRp, type TestRp } from './rp.js';

browserDescribe('passkeys in Chromium', () => {
  let t: TestInstance | undefined;
  let rp: TestRp | undefined;
  let browser: Browser | undefined;
  let accountId: string;
  let contexts: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    rp = await startRp();
    t = await startTestInstance({}, { host: 'localhost' });
    rp.config = await discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await rp?.close();
    await t?.close();
  });

  beforeEach(async () => {
    await resetStores(t!.runtime);
    accountId = (await createAccount(t!.runtime)).id;
    await createClient(t!.runtime, { redirect_uris: [rp!.callbackUrl], first_party: true });
  });

  afterEach(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    contexts = [];
  });

  async function openPage(javaScriptEnabled = true) {
    const context = await browser!.newContext({ locale: 'zh-TW', javaScriptEnabled });
    contexts.push(context);
    context.setDefaultTimeout(10_000);
    context.setDefaultNavigationTimeout(15_000);
    const page = await context.newPage();
    return { context, page, watch: watchPage(page) };
  }

  /** A platform authenticator with resident keys and user verification, on this tab. */
  async function addAuthenticator(context: BrowserContext, page: Page) {
    const cdp: CDPSession = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    return { cdp, authenticatorId };
  }

  async function signInWithPassword(page: Page) {
    await page.getByLabel('帳號', { exact: true }).fill('aa1234');
    await page.getByLabel('密碼', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: '登入', exact: true }).click();
  }

  it('registers a passkey on /account/passkeys and signs in to an RP with it', async () => {
    const { context, page, watch } = await openPage();
    const { cdp, authenticatorId } = await addAuthenticator(context, page);

    // the account page signs in through the OP first
    await page.goto(`${t!.issuer}/account/passkeys`);
    expect(new URL(page.url()).pathname).toMatch(/^\/interaction\//);
    await signInWithPassword(page);
    await page.waitForURL((u) => u.pathname === '/account/passkeys');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('通行金鑰');
    expect(await page.getByText('您還沒有新增任何通行金鑰。').isVisible()).toBe(true);

    await page.getByLabel('名稱', { exact: true }).fill('測試電腦');
    await page.getByRole('button', { name: '新增通行金鑰', exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('done') === 'added');
    expect(await page.getByRole('status').first().textContent()).toContain('已新增通行金鑰。');
    expect(await page.locator('.passkey-name').allTextContents()).toEqual(['測試電腦']);
    await screenshot(page, 'passkey-register');

    // the authenticator holds a discoverable credential for this RP ID and this account
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]).toMatchObject({ isResidentCredential: true, rpId: 'localhost' });
    expect(Buffer.from(credentials[0]!.userHandle!, 'base64').toString('hex')).toBe(
      accountId.replaceAll('-', ''),
    );
    const [row] = await t!.runtime.db('credentials').where({ type: 'passkey' });
    expect(row).toMatchObject({ account_id: accountId });
    expect(row.data.name).toBe('測試電腦');

    // a new visit (no OP session): the RP's login, then the passkey page, then the RP
    await context.clearCookies();
    await page.goto((await rp!.begin()).href);
    expect(new URL(page.url()).pathname).toMatch(/^\/interaction\/[^/]+$/);
    await page.getByRole('link', { name: '使用通行金鑰登入', exact: true }).click();
    await page.waitForURL((u) => u.pathname.endsWith('/passkey'));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('使用通行金鑰登入');
    const start = page.getByRole('button', { name: '使用通行金鑰', exact: true });
    await start.waitFor();
    await screenshot(page, 'passkey-login');
    await start.click();

    await page.waitForURL((u) => u.href.startsWith(`${rp!.callbackUrl}?`));
    expect(await page.locator('#error').allTextContents()).toEqual([]);
    expect(await page.locator('#sub').textContent()).toBe(accountId);
    const claims = rp!.received.at(-1);
    expect(claims?.amr).toEqual(['hwk', 'user']);
    expect(claims?.acr).toBe('urn:edu-idp:acr:passkey');

    const [used] = await t!.runtime.db('credentials').where({ type: 'passkey' });
    expect(used.last_used_at).toBeInstanceOf(Date);
    expect(used.data.counter).toBeGreaterThan(0);
    expect(watch.cspViolations).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
  });

  it('says when a passkey is not registered here, and the page stays usable', async () => {
    const { context, page, watch } = await openPage();
    const { cdp, authenticatorId } = await addAuthenticator(context, page);
    // a passkey for this RP ID that the IdP never registered
    const { privateKey } = await import('node:crypto').then((c) =>
      c.generateKeyPairSync('ec', { namedCurve: 'P-256' }),
    );
    await cdp.send('WebAuthn.addCredential', {
      authenticatorId,
      credential: {
        credentialId: Buffer.from('not-registered-here').toString('base64'),
        isResidentCredential: true,
        rpId: 'localhost',
        privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
        userHandle: Buffer.from('someone').toString('base64'),
        signCount: 0,
      },
    });

    await page.goto((await rp!.begin()).href);
    await page.getByRole('link', { name: '使用通行金鑰登入', exact: true }).click();
    await page.getByRole('button', { name: '使用通行金鑰', exact: true }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('這個通行金鑰未在本系統登記');
    expect(new URL(page.url()).pathname).toMatch(/\/passkey$/);
    expect(await page.getByRole('button', { name: '使用通行金鑰', exact: true }).isEnabled()).toBe(true);
    await screenshot(page, 'passkey-login-error');
    expect(watch.cspViolations).toEqual([]);
  });

  it('without JavaScript, explains why and offers the password form', async () => {
    const { page } = await openPage(false);
    await page.goto((await rp!.begin()).href);
    await page.getByRole('link', { name: '使用通行金鑰登入', exact: true }).click();
    await page.waitForURL((u) => u.pathname.endsWith('/passkey'));
    // (Playwright's text engine skips <noscript>, hence the CSS locator)
    expect(await page.locator('.passkey__needs-js').textContent()).toContain('通行金鑰需要啟用 JavaScript');
    expect(await page.locator('.passkey__needs-js').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: '使用通行金鑰', exact: true }).isVisible()).toBe(false);
    await screenshot(page, 'passkey-nojs');

    await signInWithPassword(page);
    await page.waitForURL((u) => u.href.startsWith(`${rp!.callbackUrl}?`));
    expect(await page.locator('#sub').textContent()).toBe(accountId);
    expect(rp!.received.at(-1)?.amr).toEqual(['pwd']);
  });
});
