/**
 * 行動自然人憑證 in Chromium with JavaScript disabled: the login page's link, page 1, the
 * wait page that reloads itself (<meta http-equiv="refresh">) until the simulator's phone
 * approves, the first-time binding, and the RP's callback.
 * Screenshots: fido-start.png, fido-wait.png, fido-bind.png, fido-denied.png.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from '@jest/globals';
import type { Browser, BrowserContext } from 'playwright-core';
import { withCheckDigit } from '../../src/services/national-id.js';
import { resetStores, startTestInstance, type TestInstance } from '../helpers/app.js';
import { CLIENT_SECRET, createAccount, createClient, PASSWORD } from '../helpers/fixtures.js';
import { discoverRp } from '../helpers/flow.js';
import { startTwFidoSimulator, type TwFidoSimulator } from '../helpers/twfido-simulator.js';
import { browserDescribe, launchChromium, screenshot, watchPage } from './chromium.js';
import { startRp, type TestRp } from './rp.js';

const ID = withCheckDigit('A12398765');

browserDescribe('行動自然人憑證 in Chromium without JavaScript', () => {
  let t: TestInstance | undefined;
  let rp: TestRp | undefined;
  let sim: TwFidoSimulator | undefined;
  let browser: Browser | undefined;
  let dir: string;
  let contexts: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    rp = await startRp();
    sim = await startTwFidoSimulator();
    dir = mkdtempSync(join(tmpdir(), 'twfido-browser-'));
    writeFileSync(join(dir, 'anchor.pem'), sim.anchorPem);
    t = await startTestInstance(sim.env(join(dir, 'anchor.pem'), { TWFIDO_POLL_INTERVAL: '4' }));
    rp.config = await discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await rp?.close();
    await t?.close();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await resetStores(t!.runtime);
    sim!.reset();
    await createClient(t!.runtime, { redirect_uris: [rp!.callbackUrl], first_party: true });
  });

  afterEach(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    contexts = [];
  });

  async function openFido() {
    const context = await browser!.newContext({ locale: 'zh-TW', javaScriptEnabled: false });
    contexts.push(context);
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const watch = watchPage(page);
    await page.goto((await rp!.begin()).href);
    await page.locator('a[data-method="fido"]').click();
    await page.getByLabel('身分證字號').waitFor();
    return { page, watch };
  }

  it('reaches the RP through the wait page reloading itself and the one-time binding', async () => {
    const account = await createAccount(t!.runtime);
    await sim!.addPhone(ID, { manual: true });
    const { page, watch } = await openFido();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('行動自然人憑證登入');
    await page.getByLabel('身分證字號').fill(ID);
    await screenshot(page, 'fido-start');
    await page.getByRole('button', { name: '下一步' }).click();

    await page.getByRole('heading', { name: '請在手機上確認登入' }).waitFor();
    const qr = page.locator('img.fido-qr__image');
    expect(await qr.isVisible()).toBe(true);
    // the inline SVG QR code really rendered (CSP img-src data:)
    expect(
      await qr.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
    ).toBeGreaterThan(0);
    await screenshot(page, 'fido-wait');

    // the phone approves; the page reloads itself within the poll interval
    await sim!.act(ID);
    await page.getByLabel('密碼', { exact: true }).waitFor({ timeout: 15_000 });
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('連結您的帳號');
    await page.getByLabel('帳號', { exact: true }).fill('aa1234');
    await page.getByLabel('密碼', { exact: true }).fill(PASSWORD);
    await screenshot(page, 'fido-bind');
    await page.getByRole('button', { name: '連結帳號並登入' }).click();

    await page.waitForURL((u) => u.href.startsWith(`${rp!.callbackUrl}?`));
    expect(await page.locator('#sub').textContent()).toBe(account.id);
    expect(JSON.parse((await page.locator('#amr').textContent()) ?? 'null')).toEqual(['hwk', 'mfa']);
    expect(rp!.received.at(-1)?.acr).toBe('urn:edu-idp:acr:certificate');
    expect(watch.cspViolations).toEqual([]);
  }, 40_000);

  it('shows the message of a declined request with the way back', async () => {
    await sim!.addPhone(ID, { behaviour: 'deny' });
    const { page } = await openFido();
    await page.getByLabel('身分證字號').fill(ID);
    await page.getByLabel('推播通知到我的手機').check();
    await page.getByRole('button', { name: '下一步' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('您已在手機上拒絕（取消）這次登入。');
    await screenshot(page, 'fido-denied');
    await page.getByRole('link', { name: '改用其他方式登入' }).click();
    await page.getByLabel('密碼', { exact: true }).waitFor();
  }, 30_000);
});
