/**
 * A stand-in for the HiPKI LocalServer (自然人憑證跨平台網頁元件, reference §9) on a random port:
 *
 *   GET  /popupForm            the page a site opens as a popup: it posts {"func":"getTbs"} to its
 *                              opener, takes the request JSON, runs it against this server and
 *                              posts the result JSON back, then closes (§9.2)
 *   POST /sign                 tbsPackage=<JSON MakeSignature>: PKCS#7 over tbs with the software
 *                              key of the inserted test card, after the PIN check (§9.3)
 *   GET  /pkcs11info[?withcert=true]   readers, token, certificates
 *
 * Like the real one it sends no CORS headers. States: a card inserted or not, its PIN and tries
 * left, and `running` (false: every connection is dropped, as when nothing listens).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { certB64, signPkcs7, type TestCert } from './pki-fixtures.js';

export const SIGNER_ERRORS = {
  noCard: 0x76000006,
  noPin: 0x76000998,
  badParameter: 0x7600000c,
  cardLoginFailed: 0x76100006,
  certNotYetValid: 0x76500001,
  certExpired: 0x76500002,
} as const;

export interface SimulatorCard {
  cert: TestCert;
  pin: string;
  triesLeft: number;
  /** the card number (cardSN) */
  serial: string;
}

export interface HipkiSimulator {
  url: string;
  running: boolean;
  card: SimulatorCard | undefined;
  /** the sign requests received (PIN masked) */
  requests: Array<Record<string, unknown>>;
  insert(cert: TestCert, pin?: string): void;
  eject(): void;
  close(): Promise<void>;
}

// the popup's script: §9.2 from the signer's side, one request per popup
const POPUP = `<!DOCTYPE html>
<html lang="zh-Hant-TW"><head><meta charset="utf-8"><title>HiPKI LocalServer (simulator)</title></head>
<body><p>自然人憑證元件（測試模擬）</p>
<script>
(function () {
  var done = false;
  window.addEventListener('message', function (event) {
    if (done || event.source !== window.opener) return;
    var request;
    try { request = JSON.parse(event.data); } catch (e) { return; }
    done = true;
    var call = request.func === 'MakeSignature'
      ? fetch('/sign', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'tbsPackage=' + encodeURIComponent(JSON.stringify(request)) })
      : fetch(request.func === 'GetUserCert' ? '/pkcs11info?withcert=true' : '/pkcs11info');
    call.then(function (res) { return res.text(); }).then(function (text) {
      window.opener.postMessage(text, '*');
      window.close();
    });
  });
  window.opener.postMessage(JSON.stringify({ func: 'getTbs' }), '*');
})();
</script></body></html>`;

const signed = (n: number) => n | 0;

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function startHipkiSimulator(): Promise<HipkiSimulator> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sim: HipkiSimulator = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    running: true,
    card: undefined,
    requests: [],
    insert(cert, pin = '123456') {
      sim.card = { cert, pin, triesLeft: 3, serial: 'TTAJ000000000321' };
    },
    eject() {
      sim.card = undefined;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  function json(res: ServerResponse, body: Record<string, unknown>) {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
  }

  async function sign(request: Record<string, unknown>): Promise<Record<string, unknown>> {
    const fail = (code: number, lastError = 0) => ({
      func: 'sign',
      ret_code: signed(code),
      last_error: signed(lastError),
      message: '',
      message2: '',
      signature: '',
      certb64: '',
      cardSN: '',
      version: '1.3.4.103339-sim',
    });
    if (request.func !== 'MakeSignature' || typeof request.tbs !== 'string')
      return fail(SIGNER_ERRORS.badParameter);
    const card = sim.card;
    if (!card) return fail(SIGNER_ERRORS.noCard);
    if (!request.pin) return fail(SIGNER_ERRORS.noPin);
    if (card.triesLeft <= 0) return fail(SIGNER_ERRORS.cardLoginFailed, 0xa4);
    if (request.pin !== card.pin) {
      card.triesLeft--;
      // §9.3: 0x80000002 / 0x80000001 = wrong PIN with 2 / 1 tries left; then locked (0xA4)
      return fail(SIGNER_ERRORS.cardLoginFailed, card.triesLeft > 0 ? 0x80000000 + card.triesLeft : 0xa4);
    }
    card.triesLeft = 3;
    const now = new Date();
    if (now < card.cert.cert.notBefore.value) return fail(SIGNER_ERRORS.certNotYetValid);
    if (now > card.cert.notAfter) return fail(SIGNER_ERRORS.certExpired);
    const tbs =
      request.tbsEncoding === 'base64'
        ? Buffer.from(request.tbs, 'base64')
        : Buffer.from(request.tbs, 'utf8');
    return {
      func: 'sign',
      ret_code: 0,
      last_error: 0,
      message: '',
      message2: '',
      signature: await signPkcs7(tbs, card.cert),
      certb64: certB64(card.cert),
      cardSN: request.withCardSN === 'true' ? card.serial : '',
      version: '1.3.4.103339-sim',
    };
  }

  function pkcs11info(withCert: boolean): Record<string, unknown> {
    const card = sim.card;
    const token = card
      ? {
          label: 'HiCOS PKI Smart Card',
          serialNumber: card.serial,
          certs: [
            {
              label: 'Signature',
              usage: 'digitalSignature',
              sn: card.cert.serial,
              subjectID: '6789',
              ...(withCert ? { certb64: certB64(card.cert) } : {}),
            },
          ],
        }
      : 'unknown token';
    return {
      func: 'pkcs11info',
      ret_code: 0,
      last_error: 0,
      slots: [{ slotDescription: 'Simulated Reader 0', token }],
    };
  }

  server.on('request', async (req, res) => {
    if (!sim.running) {
      req.socket.destroy();
      return;
    }
    const url = new URL(req.url ?? '/', sim.url);
    if (req.method === 'GET' && url.pathname === '/popupForm') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(POPUP);
      return;
    }
    if (req.method === 'POST' && url.pathname === '/sign') {
      let request: Record<string, unknown>;
      try {
        request = JSON.parse((await readForm(req)).get('tbsPackage') ?? '') as Record<string, unknown>;
      } catch {
        json(res, { func: 'sign', ret_code: SIGNER_ERRORS.badParameter | 0, last_error: 0 });
        return;
      }
      sim.requests.push({ ...request, pin: request.pin ? '***' : '' });
      json(res, await sign(request));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/pkcs11info') {
      json(res, pkcs11info(url.searchParams.get('withcert') === 'true'));
      return;
    }
    res.writeHead(404).end();
  });
  return sim;
}
