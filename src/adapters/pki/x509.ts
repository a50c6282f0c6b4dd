/**
 * X.509 reading with pkijs/asn1js: PEM and DER parsing, distinguished names as text, the
 * extensions the citizen-certificate checks need (key usage, basic constraints, AIA OCSP,
 * CRL distribution points) and the identity fields of reference §10.2 (CN and the last four
 * national-ID digits in Subject Directory Attributes, 2.16.886.1.100.2.51).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

export type Certificate = pkijs.Certificate;

const OID = {
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
  subjectDirectoryAttributes: '2.5.29.9',
  crlDistributionPoints: '2.5.29.31',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  ocspAccess: '1.3.6.1.5.5.7.48.1',
  // reference §10.2: the last four digits of the national ID, and the fallback extension
  idLastFour: '2.16.886.1.100.2.51',
  idLastFourExtension: '2.16.886.1.100.1.1',
} as const;

// short names for the attribute types MOICA and our test CAs use; others print as the OID
const NAME_TYPES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '1.2.840.113549.1.9.1': 'E',
};

export function certificateFromDer(der: Uint8Array): Certificate {
  return pkijs.Certificate.fromBER(der);
}

/** Every certificate in a PEM text (a bundle may hold several). */
export function certificatesFromPem(pem: string): Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) =>
    certificateFromDer(
      Buffer.from(block.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, ''), 'base64'),
    ),
  );
}

/**
 * The trust anchors of the card login (config CARD_TRUST_ANCHORS): read once at boot.
 * @throws Error naming the file that is missing or holds no certificate
 */
export function loadTrustAnchors(paths: readonly string[]): Certificate[] {
  return paths.flatMap((path) => {
    const certs = certificatesFromPem(readFileSync(path, 'utf8'));
    if (certs.length === 0) throw new Error(`${path}: no PEM certificate found`);
    return certs;
  });
}

export function certificateDer(cert: Certificate): Uint8Array {
  return new Uint8Array(cert.toSchema(true).toBER(false));
}

export function sameCertificate(a: Certificate, b: Certificate): boolean {
  return Buffer.from(certificateDer(a)).equals(Buffer.from(certificateDer(b)));
}

export function serialHex(cert: Certificate): string {
  return Buffer.from(cert.serialNumber.valueBlock.valueHexView)
    .toString('hex')
    .replace(/^(00)+(?=.)/, '');
}

/** A stable id of the key that issued certificates (MOICA G2 and G3 share one subject name). */
export function keyFingerprint(cert: Certificate): string {
  const spki = Buffer.from(cert.subjectPublicKeyInfo.toSchema().toBER(false));
  return createHash('sha256').update(spki).digest('hex').slice(0, 40);
}

function attributeText(value: unknown): string {
  const v = value as { valueBlock?: { value?: unknown } } | undefined;
  return typeof v?.valueBlock?.value === 'string' ? v.valueBlock.value : '';
}

export function nameToString(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((tv) => `${NAME_TYPES[tv.type] ?? tv.type}=${attributeText(tv.value)}`)
    .join(', ');
}

export function commonName(name: pkijs.RelativeDistinguishedNames): string | undefined {
  const cn = name.typesAndValues.find((tv) => tv.type === '2.5.4.3');
  return cn ? attributeText(cn.value) : undefined;
}

function extension(cert: Certificate, oid: string): pkijs.Extension | undefined {
  return cert.extensions?.find((e) => e.extnID === oid);
}

export interface KeyUsage {
  digitalSignature: boolean;
  nonRepudiation: boolean;
  keyEncipherment: boolean;
  keyCertSign: boolean;
  cRLSign: boolean;
}

/** undefined when the certificate carries no key usage extension */
export function keyUsage(cert: Certificate): KeyUsage | undefined {
  const ext = extension(cert, OID.keyUsage);
  if (!ext) return undefined;
  const bits = asn1js.fromBER(ext.extnValue.valueBlock.valueHexView).result;
  if (!(bits instanceof asn1js.BitString)) return undefined;
  const bytes = bits.valueBlock.valueHexView;
  const bit = (n: number) => ((bytes[n >> 3] ?? 0) & (0x80 >> (n & 7))) !== 0;
  return {
    digitalSignature: bit(0),
    nonRepudiation: bit(1),
    keyEncipherment: bit(2),
    keyCertSign: bit(5),
    cRLSign: bit(6),
  };
}

export function isCa(cert: Certificate): boolean {
  const ext = extension(cert, OID.basicConstraints);
  const parsed = ext?.parsedValue as pkijs.BasicConstraints | undefined;
  return Boolean(parsed?.cA);
}

function uriNames(names: pkijs.GeneralName[] | undefined): string[] {
  // GeneralName type 6 = uniformResourceIdentifier
  return (names ?? []).flatMap((n) => (n.type === 6 && typeof n.value === 'string' ? [n.value] : []));
}

export function ocspUrls(cert: Certificate): string[] {
  const parsed = extension(cert, OID.authorityInfoAccess)?.parsedValue as pkijs.InfoAccess | undefined;
  return (parsed?.accessDescriptions ?? [])
    .filter((d) => d.accessMethod === OID.ocspAccess)
    .flatMap((d) => uriNames([d.accessLocation]))
    .filter((u) => /^https?:\/\//i.test(u));
}

export function crlUrls(cert: Certificate): string[] {
  const parsed = extension(cert, OID.crlDistributionPoints)?.parsedValue as
    | pkijs.CRLDistributionPoints
    | undefined;
  return (parsed?.distributionPoints ?? [])
    .flatMap((p) => (Array.isArray(p.distributionPoint) ? uriNames(p.distributionPoint) : []))
    .filter((u) => /^https?:\/\//i.test(u));
}

function fourDigits(value: asn1js.AsnType | undefined): string | undefined {
  const text = attributeText(value);
  if (/^\d{4}$/.test(text)) return text;
  // some issuers wrap the string in an OCTET STRING
  if (value instanceof asn1js.OctetString) {
    const inner = asn1js.fromBER(value.valueBlock.valueHexView).result;
    const innerText = attributeText(inner);
    if (/^\d{4}$/.test(innerText)) return innerText;
    const raw = Buffer.from(value.valueBlock.valueHexView).toString('latin1');
    if (/^\d{4}$/.test(raw)) return raw;
  }
  return undefined;
}

/** Finds the .51 attribute in a SEQUENCE OF Attribute { type, SET OF value }. */
function lastFourInAttributes(seq: asn1js.AsnType): string | undefined {
  if (!(seq instanceof asn1js.Sequence)) return undefined;
  for (const attr of seq.valueBlock.value) {
    if (!(attr instanceof asn1js.Sequence)) continue;
    const [type, values] = attr.valueBlock.value;
    if (!(type instanceof asn1js.ObjectIdentifier) || type.valueBlock.toString() !== OID.idLastFour) continue;
    const first = values instanceof asn1js.Set ? values.valueBlock.value[0] : values;
    const digits = fourDigits(first);
    if (digits) return digits;
  }
  return undefined;
}

/** Reference §10.2: Subject Directory Attributes .51, else the 2.16.886.1.100.1.1 extension. */
export function nationalIdLastFour(cert: Certificate): string | undefined {
  for (const oid of [OID.subjectDirectoryAttributes, OID.idLastFourExtension]) {
    const ext = extension(cert, oid);
    if (!ext) continue;
    const parsed = asn1js.fromBER(ext.extnValue.valueBlock.valueHexView).result;
    const digits = lastFourInAttributes(parsed) ?? fourDigits(parsed);
    if (digits) return digits;
  }
  return undefined;
}
