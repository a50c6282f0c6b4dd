/**
 * A local SMS gateway for SMS_PROVIDER=http: an HTTP server that keeps every {to, text} the
 * app posts, with the bearer token it came with, and can answer with an error on demand.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CapturedSms {
  to: string;
  text: string;
  authorization: string | undefined;
  contentType: string | undefined;
}

export interface SmsCapture {
  /** SMS_HTTP_URL for the app */
  url: string;
  /** SMS_HTTP_TOKEN for the app */
  token: string;
  messages: CapturedSms[];
  /** the newest message to `to` (or to anyone); throws when there is none */
  last(to?: string): CapturedSms;
  /** answer the next n requests with this status */
  failNext(status?: number, n?: number): void;
  clear(): void;
  close(): Promise<void>;
}

export async function startSmsCapture(token = 'sms-gateway-test-token'): Promise<SmsCapture> {
  const messages: CapturedSms[] = [];
  let failures = { status: 503, left: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/sms') {
        res.writeHead(404).end();
        return;
      }
      if (failures.left > 0) {
        failures.left--;
        res.writeHead(failures.status, { 'content-type': 'application/json' }).end('{"error":"unavailable"}');
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { to: string; text: string };
      messages.push({
        to: body.to,
        text: body.text,
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sms`,
    token,
    messages,
    last(to) {
      const found = messages.filter((m) => to === undefined || m.to === to).at(-1);
      if (!found) throw new Error(`no SMS${to ? ` to ${to}` : ''} captured`);
      return found;
    },
    failNext(status = 503, n = 1) {
      failures = { status, left: n };
    },
    clear() {
      messages.length = 0;
      failures = { status: 503, left: 0 };
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The six-digit code in a message text. */
export function codeIn(text: string): string {
  const match = /\b(\d{6})\b/.exec(text);
  if (!match?.[1]) throw new Error(`no code in: ${text}`);
  return match[1];
}
