/**
 * Mail without a relay (no SMTP_URL: evaluation and development): each message is composed
 * by nodemailer exactly as it would go over SMTP and written to DATA_DIR/outbox as an .eml
 * file that any mail client opens. The folder holds codes and links: owner-only.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import type { Mailer } from '../../services/messaging.js';

/** 20261123T140501123Z-1a2b3c: sorts by time, never collides. */
export function outboxFileName(extension: string): string {
  const stamp = new Date().toISOString().replace(/[-:.]/g, '');
  return `${stamp}-${randomBytes(3).toString('hex')}.${extension}`;
}

export function createOutboxMailer(dir: string, from: string): Mailer {
  const composer = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(message) {
      const info = await composer.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.text,
      });
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeFile(join(dir, outboxFileName('eml')), info.message as Buffer, { mode: 0o600 });
    },
  };
}
