/**
 * SMS without a gateway (SMS_PROVIDER=outbox, the default): each message becomes a small text
 * file in DATA_DIR/outbox next to the mail. The folder holds codes: owner-only.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SmsSender } from '../../services/messaging.js';
import { outboxFileName } from '../mail/outbox.js';

export function createOutboxSmsSender(dir: string): SmsSender {
  return {
    async send(message) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const body = `To: ${message.to}\nDate: ${new Date().toISOString()}\n\n${message.text}\n`;
      await writeFile(join(dir, outboxFileName('sms.txt')), body, { mode: 0o600 });
    },
  };
}
