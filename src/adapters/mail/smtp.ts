/**
 * Mail over SMTP (nodemailer) to the relay in SMTP_URL: smtp://user:pass@host:587 upgrades
 * with STARTTLS when the relay offers it, smtps:// is TLS from the first byte; nodemailer's
 * URL query options (?requireTLS=true…) apply.
 */
import { createTransport } from 'nodemailer';
import type { Mailer } from '../../services/messaging.js';

export function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = createTransport({
    url: smtpUrl,
    // a request waits for the relay (codes and links go out before the page answers):
    // fail within seconds rather than nodemailer's default of minutes
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(message) {
      await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text });
    },
  };
}
