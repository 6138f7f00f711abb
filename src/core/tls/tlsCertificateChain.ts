// The peer's certificate chain as Node assembled it (what the server sent, completed by the trusted root
// when verification found one), leaf first, each certificate in plain data, and verification failures
// explained in words. Everything here comes from the network: callers show it as text only.
import { X509Certificate } from 'node:crypto';
import type { DetailedPeerCertificate, PeerCertificate } from 'node:tls';
import type { CertificateSummary } from '../../../shared/logModel';

/** Longest chain walked; real chains have 2–4 certificates, so anything longer is a loop we did not catch. */
export const MAX_CHAIN_LENGTH = 16;

/** Formats a certificate name object ({ CN: 'x', O: ['a', 'b'] }) as "CN=x, O=a, O=b". */
export function formatDistinguishedName(name: unknown): string {
  if (!name || typeof name !== 'object') return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(name as Record<string, unknown>)) {
    for (const v of Array.isArray(value) ? value : [value]) parts.push(`${key}=${String(v)}`);
  }
  return parts.join(', ');
}

/** Dates as ISO 8601 (unambiguous across locales); the text as given when it does not parse. */
function isoDate(text: string | undefined): string {
  if (!text) return '';
  const t = Date.parse(text);
  return Number.isNaN(t) ? text : new Date(t).toISOString();
}

const KEY_TYPE_NAMES: Readonly<Record<string, string>> = {
  rsa: 'RSA',
  'rsa-pss': 'RSA-PSS',
  dsa: 'DSA',
  ec: 'EC',
  ed25519: 'Ed25519',
  ed448: 'Ed448',
  x25519: 'X25519',
  x448: 'X448',
};

/** Public key algorithm, size and curve, read from the DER; empty when Node cannot parse it. */
function keyOf(cert: PeerCertificate): { keyType?: string; keyBits?: number; keyCurve?: string; isCA?: boolean } {
  const out: { keyType?: string; keyBits?: number; keyCurve?: string; isCA?: boolean } = {};
  if (typeof cert.bits === 'number' && cert.bits > 0) out.keyBits = cert.bits;
  const curve = cert.nistCurve ?? cert.asn1Curve;
  if (curve) out.keyCurve = curve;
  if (!cert.raw || cert.raw.length === 0) return out;
  try {
    const x509 = new X509Certificate(cert.raw);
    out.isCA = x509.ca;
    const key = x509.publicKey;
    const type = key.asymmetricKeyType;
    if (type) out.keyType = KEY_TYPE_NAMES[type] ?? type;
    const details = key.asymmetricKeyDetails;
    if (details?.modulusLength && out.keyBits === undefined) out.keyBits = details.modulusLength;
    if (details?.namedCurve && !out.keyCurve) out.keyCurve = details.namedCurve;
  } catch {
    // A certificate Node's X509 parser refuses still has the fields the TLS layer gave us.
  }
  return out;
}

/** Summarizes a peer certificate; undefined when the peer sent none. */
export function summarizeCertificate(cert: PeerCertificate | undefined): CertificateSummary | undefined {
  if (!cert || !cert.fingerprint256) return undefined;
  const subject = formatDistinguishedName(cert.subject);
  const issuer = formatDistinguishedName(cert.issuer);
  return {
    subject,
    issuer,
    validFrom: isoDate(cert.valid_from),
    validTo: isoDate(cert.valid_to),
    fingerprint256: cert.fingerprint256,
    ...(cert.fingerprint ? { fingerprint: cert.fingerprint } : {}),
    serialNumber: cert.serialNumber,
    ...(cert.subjectaltname ? { subjectAltName: cert.subjectaltname } : {}),
    ...keyOf(cert),
    ...(subject === issuer && subject !== '' ? { selfIssued: true } : {}),
  };
}

/**
 * The chain from the leaf up: follows issuerCertificate until it points to itself (a root), is missing
 * (the server did not send the issuer and no trusted root was found), or repeats (guarded by fingerprint,
 * since a hostile chain can loop without reusing an object), at most MAX_CHAIN_LENGTH certificates.
 */
export function certificateChain(leaf: DetailedPeerCertificate | PeerCertificate | undefined): CertificateSummary[] {
  const chain: CertificateSummary[] = [];
  const seen = new Set<string>();
  let cert: PeerCertificate | undefined = leaf;
  while (cert && chain.length < MAX_CHAIN_LENGTH) {
    const summary = summarizeCertificate(cert);
    if (!summary || seen.has(summary.fingerprint256)) break;
    seen.add(summary.fingerprint256);
    chain.push(summary);
    const next: PeerCertificate | undefined = (cert as Partial<DetailedPeerCertificate>).issuerCertificate;
    if (!next || next === cert) break;
    cert = next;
  }
  return chain;
}

/** Plain words for the OpenSSL and Node codes a certificate fails verification with. */
const VERIFY_REASONS: Readonly<Record<string, string>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed and not in the trusted CAs',
  SELF_SIGNED_CERT_IN_CHAIN: 'the chain ends in a self-signed root that is not in the trusted CAs',
  UNABLE_TO_GET_ISSUER_CERT: 'the issuer of a certificate in the chain was not found',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    'the issuer is not a trusted CA, and the server did not send a chain that leads to one',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the server sent only its own certificate, and its issuer is not a trusted CA',
  CERT_UNTRUSTED: 'the root of the chain is not trusted for this purpose',
  CERT_HAS_EXPIRED: 'a certificate in the chain has expired',
  CERT_NOT_YET_VALID: 'a certificate in the chain is not valid yet (or the clock is wrong)',
  CERT_REVOKED: 'a certificate in the chain was revoked',
  CERT_SIGNATURE_FAILURE: 'a signature in the chain does not verify',
  CERT_REJECTED: 'the root CA is marked to reject this purpose',
  INVALID_CA: 'a certificate used as a CA is not allowed to sign others',
  PATH_LENGTH_EXCEEDED: 'the chain is longer than a CA allows',
  INVALID_PURPOSE: 'a certificate is not meant for TLS servers',
  HOSTNAME_MISMATCH: 'the certificate does not name this host',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate does not name this host',
};

/** Why a certificate did not verify, in words; the code itself when we have none for it. */
export function verificationReason(code: string): string {
  return VERIFY_REASONS[code] ?? code;
}
