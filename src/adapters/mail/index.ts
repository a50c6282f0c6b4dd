import { join } from 'node:path';
import type { Config } from '../../config.js';
import type { Mailer } from '../../services/messaging.js';
import { createOutboxMailer } from './outbox.js';
import { createSmtpMailer } from './smtp.js';

/** SMTP when SMTP_URL is set, otherwise .eml files in DATA_DIR/outbox. */
export function createMailer(config: Pick<Config, 'mail' | 'dataDir'>): Mailer {
  return config.mail.smtpUrl
    ? createSmtpMailer(config.mail.smtpUrl, config.mail.from)
    : createOutboxMailer(join(config.dataDir, 'outbox'), config.mail.from);
}
