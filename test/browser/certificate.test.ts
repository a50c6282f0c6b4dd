/**
 * 自然人憑證 in Chromium: the real card pages and /static/hipki.js against the HiPKI signer
 * simulator's popup (reference §9.2), with the test PKI behind it. Registers a certificate on
 * /account/certificate, signs in to a local RP with it, and shows the wrong-PIN and no-signer
 * messages. Screenshots: certificate-bind.png, certificate-login.png.
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { resetStores, startTestInstance, type TestInstance } from '../helpers/app.js';
import { CLIENT_SECRET, createAccount, createClient, PASSWORD } from '../helpers/fixtures.js';
import { discoverRp } from '../helpers/flow.js';
import { type HipkiSimulator, startHipkiSimulator } from '../helpers/hipki-simulator.js';
import { createPkiFixtures, type PkiFixtures } from '../helpers/pki-fixtures.js';
import { browserDescribe, launchChromium, screenshot, watchPage } from './chromium.js';
import { startRp, type TestRp } from './rp.js';

browserDescribe('自然人憑證 pages in Chromium with the signer simulator', () => {
  let t: TestInstance | undefined;
  let rp: TestRp | undefined;
  let pki: PkiFixtures | undefined;
  let sim: HipkiSimulator | undefined;
  let browser: Browser | undefined;
  let contexts: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    pki = await createPkiFixtures();
    sim = await startHipkiSimulator();
    rp = await startRp();
    t = await startTestInstance({ CARD_TRUST_ANCHORS: pki.anchorsFile, CARD_SIGNER_URL: sim.url });
    rp.config = await discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await rp?.close();
    await sim?.close();
    await t?.close();
    await pki?.close();
  });

  beforeEach(async () => {
    await resetStores(t!.runtime);
    await createAccount(t!.runtime);
    await createClient(t!.runtime, { redirect_uris: [rp!.callbackUrl], first_party: true });
    sim!.running = true;
    sim!.insert(pki!.users.valid, '123456');
  });

  afterEach(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    contexts = [];
  });

  async function openPage() {
    const context = await browser!.newContext({ locale: 'zh-TW' });
    contexts.push(context);
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    return { page, watch: watchPage(page) };
  }

  async function signInToAccountPage(page: Page) {
    await page.goto(`${t!.issuer}/account/certificate`);
    await page.getByLabel('帳號', { exact: true }).fill('aa1234');
    await page.getByLabel('密碼', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: '登入', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/account/certificate');
  }

  /** Types the PIN and submits; the signer's popup comes and goes; resolves on the next page. */
  async function signWithCard(page: Page, pin: string, button: string) {
    await page.getByLabel('PIN 碼').fill(pin);
    const popup = page.waitForEvent('popup');
    const navigation = page.waitForNavigation();
    await page.getByRole('button', { name: button, exact: true }).click();
    await popup;
    await navigation;
  }

  it('registers the card on /account/certificate, then signs in to the RP with it', async () => {
    const { page, watch } = await openPage();
    await signInToAccountPage(page);
    expect(await page.locator('.certificate-empty').textContent()).toContain('尚未註冊自然人憑證');
    await signWithCard(page, '123456', '註冊憑證');
    await page.waitForURL((u) => u.search === '?done=added');
    expect(await page.getByRole('status').first().textContent()).toContain('自然人憑證已註冊完成');
    expect(await page.locator('.certificate-name').textContent()).toBe('王小明');
    await screenshot(page, 'certificate-bind');
    // the PIN went to the signer only
    expect(sim!.requests.at(-1)).toMatchObject({ func: 'MakeSignature', signatureType: 'PKCS7', pin: '***' });

    // the browser holds an OP session from the account page: the RP asks for a fresh login
    await page.goto((await rp!.begin({ prompt: 'login' })).href);
    await page.locator('a[data-method="certificate"]').click();
    await page.waitForURL((u) => u.pathname.endsWith('/certificate'));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('自然人憑證登入');
    await page.getByLabel('PIN 碼').fill('123456');
    await screenshot(page, 'certificate-login');
    const popup = page.waitForEvent('popup');
    await page.getByRole('button', { name: '登入', exact: true }).click();
    await popup;
    await page.waitForURL((u) => u.href.startsWith(`${rp!.callbackUrl}?`));
    expect(await page.locator('#error').allTextContents()).toEqual([]);
    expect(JSON.parse((await page.locator('#amr').textContent()) ?? 'null')).toEqual(['sc', 'pin']);
    expect(rp!.received.at(-1)?.acr).toBe('urn:edu-idp:acr:certificate');
    expect(watch.cspViolations).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
  }, 60_000);

  it('shows the wrong-PIN message with the tries left, and the no-signer message', async () => {
    const { page, watch } = await openPage();
    await page.goto((await rp!.begin()).href);
    await page.locator('a[data-method="certificate"]').click();
    await page.waitForURL((u) => u.pathname.endsWith('/certificate'));

    await signWithCard(page, '000000', '登入');
    expect(await page.getByRole('alert').textContent()).toContain('PIN 碼錯誤，還可以再試 2 次');
    await screenshot(page, 'certificate-wrong-pin');

    // nothing answers on the signer's port: no getTbs within 3.5 s
    sim!.running = false;
    await page.getByLabel('PIN 碼').fill('123456');
    const navigation = page.waitForNavigation({ timeout: 20_000 });
    await page.getByRole('button', { name: '登入', exact: true }).click();
    await navigation;
    expect(await page.getByRole('alert').textContent()).toContain('偵測不到自然人憑證元件');
    await screenshot(page, 'certificate-no-signer');

    sim!.running = true;
    sim!.eject();
    await signWithCard(page, '123456', '登入');
    expect(await page.getByRole('alert').textContent()).toContain('讀不到自然人憑證卡片');
    expect(watch.cspViolations).toEqual([]);
    expect(watch.pageErrors).toEqual([]);
  }, 60_000);
});
