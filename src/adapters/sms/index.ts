import { join } from 'node:path';
import type { Config } from '../../config.js';
import type { SmsSender } from '../../services/messaging.js';
import { createHttpSmsSender } from './http.js';
import { createOutboxSmsSender } from './outbox.js';

/** The gateway of SMS_PROVIDER=http, otherwise text files in DATA_DIR/outbox. */
export function createSmsSender(config: Pick<Config, 'sms' | 'dataDir'>): SmsSender {
  // loadConfig guarantees httpUrl for the http provider
  return config.sms.provider === 'http' && config.sms.httpUrl
    ? createHttpSmsSender(config.sms.httpUrl, config.sms.httpToken)
    : createOutboxSmsSender(join(config.dataDir, 'outbox'));
}
