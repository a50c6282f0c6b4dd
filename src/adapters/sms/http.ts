/**
 * SMS through an HTTP gateway: POST {to, text} as JSON with a bearer token. Taiwan's SMS
 * vendors each speak their own API; a small relay in front of the vendor (or a vendor that
 * accepts this shape) keeps vendor code out of the identity provider.
 */
import type { SmsSender } from '../../services/messaging.js';

export function createHttpSmsSender(url: string, token: string | undefined): SmsSender {
  return {
    async send(message) {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ to: message.to, text: message.text }),
        // the applicant's page waits for the gateway
        signal: AbortSignal.timeout(10_000),
      });
      // drain the body so the connection is reused
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) throw new Error(`SMS gateway answered ${res.status}`);
    },
  };
}
