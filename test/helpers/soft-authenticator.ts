/**
 * A software WebAuthn authenticator for tests without a browser: real P-256 keys (ES256),
 * real CBOR attestation objects (fmt "none"), authenticator data and signatures built by hand
 * as WebAuthn Level 3 §6.1 and §6.5 describe, and the clientDataJSON a browser would write.
 * It plays the browser too: the origin goes into clientDataJSON as the browser would put it.
 */
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';

type Cbor = number | string | Uint8Array | Cbor[] | Map<Cbor, Cbor> | { [k: string]: Cbor };

function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
  if (n < 0x10000) {
    const b = Buffer.alloc(3);
    b[0] = (major << 5) | 25;
    b.writeUInt16BE(n, 1);
    return b;
  }
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(n, 1);
  return b;
}

/** Canonical-enough CBOR (RFC 8949) for the few types an attestation object needs. */
export function cbor(value: Cbor): Buffer {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value]);
  if (Array.isArray(value)) return Buffer.concat([head(4, value.length), ...value.map(cbor)]);
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
  return Buffer.concat([head(5, entries.length), ...entries.flatMap(([k, v]) => [cbor(k), cbor(v)])]);
}

const b64u = (b: Uint8Array | string) => Buffer.from(b).toString('base64url');
const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest();

export const FLAGS = { UP: 0x01, UV: 0x04, BE: 0x08, BS: 0x10, AT: 0x40 } as const;

interface StoredKey {
  id: Buffer;
  privateKey: KeyObject;
  publicKey: KeyObject;
  userHandle: string;
  counter: number;
}

export interface AssertionOptions {
  /** which credential answers (default: the newest) */
  credentialId?: string;
  /** the signature counter to report (default: the next one) */
  counter?: number;
  /** flags of the authenticator data (default UP|UV|BE|BS: a synced passkey) */
  flags?: number;
  origin?: string;
  /** sign with another key than the credential's */
  signWith?: KeyObject;
}

export class SoftAuthenticator {
  readonly keys: StoredKey[] = [];

  constructor(
    readonly origin: string,
    readonly rpId = new URL(origin).hostname,
  ) {}

  private clientData(type: 'webauthn.create' | 'webauthn.get', challenge: string, origin = this.origin) {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  /** navigator.credentials.create() for the JSON options of generateRegistrationOptions(). */
  register(
    options: { challenge: string; rp: { id?: string }; user: { id: string } },
    opts: { flags?: number; origin?: string } = {},
  ) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const coseKey = new Map<Cbor, Cbor>([
      [1, 2], // kty: EC2
      [3, -7], // alg: ES256
      [-1, 1], // crv: P-256
      [-2, Buffer.from(jwk.x!, 'base64url')],
      [-3, Buffer.from(jwk.y!, 'base64url')],
    ]);
    const id = randomBytes(32);
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(id.length);
    const flags = opts.flags ?? FLAGS.UP | FLAGS.UV | FLAGS.BE | FLAGS.BS;
    const authData = Buffer.concat([
      sha256(options.rp.id ?? this.rpId),
      Buffer.from([flags | FLAGS.AT]),
      Buffer.alloc(4), // sign count 0
      Buffer.alloc(16), // AAGUID: none
      idLength,
      id,
      cbor(coseKey),
    ]);
    const attestationObject = cbor({ fmt: 'none', attStmt: {}, authData });
    this.keys.push({ id, privateKey, publicKey, userHandle: options.user.id, counter: 0 });
    return {
      id: b64u(id),
      rawId: b64u(id),
      type: 'public-key' as const,
      response: {
        clientDataJSON: b64u(this.clientData('webauthn.create', options.challenge, opts.origin)),
        attestationObject: b64u(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform' as const,
    };
  }

  /** navigator.credentials.get() for the JSON options of generateAuthenticationOptions(). */
  assert(options: { challenge: string; rpId?: string }, opts: AssertionOptions = {}) {
    const key = opts.credentialId
      ? this.keys.find((k) => b64u(k.id) === opts.credentialId)
      : this.keys.at(-1);
    if (!key) throw new Error('no such credential');
    key.counter = opts.counter ?? key.counter + 1;
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(key.counter);
    const authData = Buffer.concat([
      sha256(options.rpId ?? this.rpId),
      Buffer.from([opts.flags ?? FLAGS.UP | FLAGS.UV | FLAGS.BE | FLAGS.BS]),
      counter,
    ]);
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, opts.origin);
    const signature = sign(
      'sha256',
      Buffer.concat([authData, sha256(clientDataJSON)]),
      opts.signWith ?? key.privateKey,
    );
    return {
      id: b64u(key.id),
      rawId: b64u(key.id),
      type: 'public-key' as const,
      response: {
        clientDataJSON: b64u(clientDataJSON),
        authenticatorData: b64u(authData),
        signature: b64u(signature),
        userHandle: key.userHandle,
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform' as const,
    };
  }
}
