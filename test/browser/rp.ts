/**
 * A tiny relying party on 127.0.0.1: begin() builds an authorization URL (PKCE, state, nonce)
 * and remembers the secrets by state; GET /callback exchanges the code with openid-client and
 * answers with a page showing the id_token's sub and amr, like a real application would.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';

interface Pending {
  verifier: string;
  nonce: string;
}

export interface TestRp {
  callbackUrl: string;
  /** Set once the client is registered and discovery has run. */
  config?: oidc.Configuration;
  /** Claims of every id_token the callback validated, newest last. */
  received: oidc.IDToken[];
  begin(extraParams?: Record<string, string>): Promise<URL>;
  close(): Promise<void>;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`;
}

export async function startRp(): Promise<TestRp> {
  const pending = new Map<string, Pending>();
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const rp: TestRp = {
    callbackUrl: `${base}/callback`,
    received: [],
    async begin(extraParams = {}) {
      if (!rp.config) throw new Error('RP not configured');
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      pending.set(state, { verifier, nonce });
      return oidc.buildAuthorizationUrl(rp.config, {
        redirect_uri: rp.callbackUrl,
        scope: 'openid profile email',
        state,
        nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        ...extraParams,
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  server.on('request', async (req, res) => {
    const url = new URL(req.url ?? '/', base);
    const send = (status: number, html: string) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
    };
    if (url.pathname !== '/callback' || !rp.config) return send(404, page('Not found', '<h1>Not found</h1>'));
    const state = url.searchParams.get('state') ?? '';
    const secrets = pending.get(state);
    pending.delete(state);
    try {
      if (!secrets) throw new Error(`unknown state ${JSON.stringify(state)}`);
      const tokens = await oidc.authorizationCodeGrant(rp.config, url, {
        pkceCodeVerifier: secrets.verifier,
        expectedState: state,
        expectedNonce: secrets.nonce,
      });
      const claims = tokens.claims();
      if (!claims) throw new Error('no id_token');
      rp.received.push(claims);
      send(
        200,
        page(
          'Signed in',
          `<h1>Signed in</h1><p>sub: <output id="sub">${escapeHtml(claims.sub)}</output></p>` +
            `<p>amr: <output id="amr">${escapeHtml(JSON.stringify(claims.amr ?? null))}</output></p>`,
        ),
      );
    } catch (err) {
      send(500, page('RP error', `<h1>RP error</h1><pre id="error">${escapeHtml(String(err))}</pre>`));
    }
  });

  return rp;
}
