// What a finished TLS handshake agreed on, and who the peer claims to be, in plain data.
import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { CertificateSummary, TlsInfo } from '../../shared/logModel';

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

/** Summarizes a peer certificate; undefined when the peer sent none. */
export function summarizeCertificate(cert: PeerCertificate | undefined): CertificateSummary | undefined {
  if (!cert || !cert.fingerprint256) return undefined;
  return {
    subject: formatDistinguishedName(cert.subject),
    issuer: formatDistinguishedName(cert.issuer),
    validFrom: isoDate(cert.valid_from),
    validTo: isoDate(cert.valid_to),
    fingerprint256: cert.fingerprint256,
    serialNumber: cert.serialNumber,
    ...(cert.subjectaltname ? { subjectAltName: cert.subjectaltname } : {}),
  };
}

/** Reads protocol, cipher, authorization and certificate of a connected TLS socket. */
export function summarizeTls(socket: TLSSocket): TlsInfo {
  // Node sets authorizationError to the OpenSSL code string, although its typings say Error.
  const rawError: unknown = socket.authorizationError;
  const authorizationError =
    rawError instanceof Error ? ((rawError as { code?: string }).code ?? rawError.message) : rawError ? String(rawError) : undefined;
  const peerCertificate = summarizeCertificate(socket.getPeerCertificate());
  const alpn = socket.alpnProtocol;
  return {
    protocol: socket.getProtocol() ?? 'unknown',
    cipher: socket.getCipher()?.standardName ?? socket.getCipher()?.name ?? 'unknown',
    authorized: socket.authorized,
    ...(typeof alpn === 'string' ? { alpnProtocol: alpn } : {}),
    ...(authorizationError && !socket.authorized ? { authorizationError } : {}),
    ...(peerCertificate ? { peerCertificate } : {}),
  };
}

/** The human-readable text of a TLS handshake log entry. */
export function describeTls(info: TlsInfo): string {
  const lines = [
    `TLS ${info.protocol}, ${info.cipher}${info.alpnProtocol ? `, ALPN ${info.alpnProtocol}` : ''}`,
    info.authorized
      ? 'Certificate verified'
      : `Certificate NOT verified (${info.authorizationError ?? 'unknown reason'}), accepted because self-signed is allowed`,
  ];
  const cert = info.peerCertificate;
  if (cert) {
    lines.push(
      `Subject: ${cert.subject}`,
      `Issuer: ${cert.issuer}`,
      `Valid: ${cert.validFrom} – ${cert.validTo}`,
      ...(cert.subjectAltName ? [`Subject alt names: ${cert.subjectAltName}`] : []),
      `Serial: ${cert.serialNumber}`,
      `SHA-256: ${cert.fingerprint256}`,
    );
  }
  return lines.join('\n');
}
