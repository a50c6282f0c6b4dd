/**
 * A real SMTP server (smtp-server) on an ephemeral port that keeps every message it accepts,
 * so the app's nodemailer transport speaks real SMTP in tests. Messages are decoded enough
 * to read a plain-text mail: RFC 2047 subjects, base64 or quoted-printable bodies.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  raw: string;
}

export interface SmtpCapture {
  /** SMTP_URL for the app */
  url: string;
  messages: CapturedMail[];
  /** the newest message to `to` (or to anyone); throws when there is none */
  last(to?: string): CapturedMail;
  /** refuse the next n messages with a 554 (a relay that is down or refuses) */
  refuseNext(n?: number): void;
  clear(): void;
  close(): Promise<void>;
}

const decodeWord = (_: string, charset: string, encoding: string, data: string) => {
  const bytes =
    encoding.toUpperCase() === 'B'
      ? Buffer.from(data, 'base64')
      : Buffer.from(
          data
            .replace(/_/g, ' ')
            .replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
          'latin1',
        );
  return new TextDecoder(charset).decode(bytes);
};

function decodeHeader(value: string): string {
  // adjacent encoded words are one string: drop the whitespace between them (RFC 2047 §6.2)
  return value.replace(/(\?=)\s+(=\?)/g, '$1$2').replace(/=\?([^?]+)\?([BQ])\?([^?]*)\?=/gi, decodeWord);
}

function decodeQuotedPrintable(body: string): Buffer {
  const joined = body.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const c = joined[i]!;
    if (c === '=' && /^[0-9A-F]{2}$/i.test(joined.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

export function parseMail(raw: string): { headers: Map<string, string>; text: string } {
  const split = raw.search(/\r?\n\r?\n/);
  const head = raw.slice(0, split).replace(/\r?\n[ \t]+/g, ' ');
  const body = raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  const bytes =
    encoding === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64')
      : encoding === 'quoted-printable'
        ? decodeQuotedPrintable(body)
        : Buffer.from(body, 'utf8');
  return { headers, text: bytes.toString('utf8').replace(/\r\n/g, '\n') };
}

export async function startSmtpCapture(): Promise<SmtpCapture> {
  const messages: CapturedMail[] = [];
  let refuse = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (refuse > 0) {
          refuse--;
          callback(Object.assign(new Error('relay refuses'), { responseCode: 554 }));
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const { headers, text } = parseMail(raw);
        const from = session.envelope.mailFrom;
        messages.push({
          from: from ? from.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: decodeHeader(headers.get('subject') ?? ''),
          text,
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    last(to) {
      const found = messages.filter((m) => to === undefined || m.to.includes(to)).at(-1);
      if (!found) throw new Error(`no mail${to ? ` to ${to}` : ''} captured`);
      return found;
    },
    refuseNext(n = 1) {
      refuse = n;
    },
    clear() {
      messages.length = 0;
      refuse = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
