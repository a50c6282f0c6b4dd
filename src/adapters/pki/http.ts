/**
 * The one outgoing HTTP client of the certificate checks (OCSP responders, CRL distribution
 * points): plain http(s) only, a timeout on every request, and a size cap so a misbehaving
 * server cannot make us buffer without end. The URLs come from certificates that already
 * chain to a configured trust anchor (or from config), never from the browser.
 */

export interface PkiHttp {
  /** @throws Error on a network failure, a timeout, a non-2xx status or an oversized body */
  get(url: string, opts?: { accept?: string; timeoutMs?: number }): Promise<Uint8Array>;
  post(url: string, body: Uint8Array, contentType: string, opts?: { accept?: string }): Promise<Uint8Array>;
}

export interface PkiHttpOptions {
  timeoutMs: number;
  /** CRLs of a national CA run to several megabytes (reference §10.3) */
  maxBytes?: number;
}

async function readCapped(res: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw new Error(`response of ${declared} bytes exceeds ${maxBytes}`);
  if (!res.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > maxBytes) throw new Error(`response exceeds ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

function checkUrl(url: string): void {
  const protocol = new URL(url).protocol;
  if (protocol !== 'http:' && protocol !== 'https:') throw new Error(`unsupported URL scheme ${protocol}`);
}

export function createPkiHttp(opts: PkiHttpOptions): PkiHttp {
  const maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
  async function request(url: string, init: RequestInit, timeoutMs: number): Promise<Uint8Array> {
    checkUrl(url);
    const res = await fetch(url, { ...init, redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) {
      await res.arrayBuffer().catch(() => undefined);
      throw new Error(`${url} answered ${res.status}`);
    }
    return readCapped(res, maxBytes);
  }
  return {
    get: (url, o = {}) =>
      request(
        url,
        { method: 'GET', headers: o.accept ? { accept: o.accept } : {} },
        o.timeoutMs ?? opts.timeoutMs,
      ),
    post: (url, body, contentType, o = {}) =>
      request(
        url,
        {
          method: 'POST',
          headers: { 'content-type': contentType, ...(o.accept ? { accept: o.accept } : {}) },
          body: Buffer.from(body),
        },
        opts.timeoutMs,
      ),
  };
}
