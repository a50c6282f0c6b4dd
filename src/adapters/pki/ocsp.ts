/**
 * OCSP client (RFC 6960), the first revocation check of reference §10.1 step 5: one request
 * for one certificate with a nonce, POSTed to the responder of the certificate's AIA (or the
 * configured override). The response counts only when its signature verifies: by the issuing
 * CA itself, or by a responder certificate the CA issued for OCSP signing (pkijs checks the
 * delegation). It must name our certificate and be current; an echoed nonce must match.
 */
import { randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { PkiHttp } from './http.js';
import type { Certificate } from './x509.js';

export type OcspStatus = 'good' | 'revoked' | 'unknown';

const NONCE = '1.3.6.1.5.5.7.48.1.2';
const BASIC = '1.3.6.1.5.5.7.48.1.1';
// clocks of responders and ours disagree a little
const SKEW_MS = 5 * 60_000;

export interface OcspQuery {
  certificate: Certificate;
  issuer: Certificate;
  /** the issuer's own path up to the anchor: what a delegated responder must chain to */
  trusted: readonly Certificate[];
  url: string;
  now: Date;
}

async function buildRequest(cert: Certificate, issuer: Certificate) {
  const request = new pkijs.OCSPRequest();
  await request.createForCertificate(cert, { hashAlgorithm: 'SHA-1', issuerCertificate: issuer });
  const nonce = new asn1js.OctetString({ valueHex: randomBytes(16) }).toBER(false);
  request.tbsRequest.requestExtensions = [new pkijs.Extension({ extnID: NONCE, extnValue: nonce })];
  const certId = request.tbsRequest.requestList[0]!.reqCert;
  return { der: new Uint8Array(request.toSchema(true).toBER(false)), certId, nonce: new Uint8Array(nonce) };
}

async function verifyResponder(basic: pkijs.BasicOCSPResponse, q: OcspQuery): Promise<boolean> {
  if (!basic.certs || basic.certs.length === 0) {
    // no certificates attached: only the issuing CA itself can have signed it
    const id = basic.tbsResponseData.responderID;
    const named = id instanceof pkijs.RelativeDistinguishedNames && id.isEqual(q.issuer.subject);
    const keyed =
      id instanceof asn1js.OctetString &&
      Buffer.from(id.valueBlock.valueHexView).equals(
        Buffer.from(await q.issuer.getKeyHash('SHA-1').then((h) => new Uint8Array(h))),
      );
    if (!named && !keyed) return false;
    return pkijs
      .getCrypto(true)
      .verifyWithPublicKey(
        basic.tbsResponseData.tbsView,
        basic.signature,
        q.issuer.subjectPublicKeyInfo,
        basic.signatureAlgorithm,
      );
  }
  return basic.verify({ trustedCerts: [...q.trusted], issuerCerts: [q.issuer] });
}

function statusOf(single: pkijs.SingleResponse): OcspStatus {
  const tag = (single.certStatus as asn1js.BaseBlock).idBlock.tagNumber;
  if (tag === 0) return 'good';
  if (tag === 1) return 'revoked';
  return 'unknown';
}

/**
 * @returns the responder's verdict on the certificate
 * @throws Error when there is no usable answer (network, status, signature, staleness): the
 *         caller then falls back to the CRL
 */
export async function queryOcsp(http: PkiHttp, q: OcspQuery): Promise<OcspStatus> {
  const request = await buildRequest(q.certificate, q.issuer);
  const body = await http.post(q.url, request.der, 'application/ocsp-request', {
    accept: 'application/ocsp-response',
  });
  const response = pkijs.OCSPResponse.fromBER(body);
  const status = response.responseStatus.valueBlock.valueDec;
  if (status !== 0) throw new Error(`OCSP responder status ${status}`);
  if (!response.responseBytes || response.responseBytes.responseType !== BASIC) {
    throw new Error('OCSP response is not a basic response');
  }
  const basic = pkijs.BasicOCSPResponse.fromBER(response.responseBytes.response.valueBlock.valueHexView);
  if (!(await verifyResponder(basic, q).catch(() => false))) {
    throw new Error('OCSP response signature does not verify with the CA or an authorised responder');
  }
  const echoed = basic.tbsResponseData.responseExtensions?.find((e) => e.extnID === NONCE);
  if (echoed && !Buffer.from(echoed.extnValue.valueBlock.valueHexView).equals(Buffer.from(request.nonce))) {
    throw new Error('OCSP nonce mismatch');
  }
  const single = basic.tbsResponseData.responses.find((r) => r.certID.isEqual(request.certId));
  if (!single) throw new Error('OCSP response does not cover the certificate');
  const now = q.now.getTime();
  if (single.thisUpdate.getTime() > now + SKEW_MS) throw new Error('OCSP response from the future');
  if (single.nextUpdate && single.nextUpdate.getTime() < now - SKEW_MS) {
    throw new Error('OCSP response is stale');
  }
  return statusOf(single);
}
