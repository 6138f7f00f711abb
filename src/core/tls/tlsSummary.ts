// What a finished TLS handshake agreed on, and who the peer claims to be, in plain data.
import type { TLSSocket } from 'node:tls';
import type { TlsInfo } from '../../../shared/logModel';
import { certificateChain, verificationReason } from './tlsCertificateChain';

export { formatDistinguishedName, summarizeCertificate } from './tlsCertificateChain';

/** Reads protocol, cipher, authorization and certificate chain of a connected TLS socket. */
export function summarizeTls(socket: TLSSocket): TlsInfo {
  // Node sets authorizationError to the OpenSSL code string, although its typings say Error.
  const rawError: unknown = socket.authorizationError;
  const authorizationError =
    rawError instanceof Error ? ((rawError as { code?: string }).code ?? rawError.message) : rawError ? String(rawError) : undefined;
  const chain = certificateChain(socket.getPeerCertificate(true));
  const peerCertificate = chain[0];
  const alpn = socket.alpnProtocol;
  const failed = authorizationError && !socket.authorized ? authorizationError : undefined;
  return {
    protocol: socket.getProtocol() ?? 'unknown',
    cipher: socket.getCipher()?.standardName ?? socket.getCipher()?.name ?? 'unknown',
    authorized: socket.authorized,
    ...(typeof alpn === 'string' ? { alpnProtocol: alpn } : {}),
    ...(failed ? { authorizationError: failed, authorizationReason: verificationReason(failed) } : {}),
    ...(peerCertificate ? { peerCertificate } : {}),
    ...(chain.length > 0 ? { chain } : {}),
  };
}

/** The first common name of a distinguished name ("CN=x, O=y" → "x"), or the whole name without one. */
function commonName(dn: string): string {
  const m = /(?:^|, )CN=([^,]*)/.exec(dn);
  return m ? m[1]! : dn;
}

/** The human-readable text of a TLS handshake log entry. */
export function describeTls(info: TlsInfo): string {
  const lines = [
    `TLS ${info.protocol}, ${info.cipher}${info.alpnProtocol ? `, ALPN ${info.alpnProtocol}` : ''}`,
    info.authorized
      ? 'Certificate verified'
      : `Certificate NOT verified (${info.authorizationError ?? 'unknown reason'})${info.authorizationReason && info.authorizationReason !== info.authorizationError ? `: ${info.authorizationReason}` : ''}; accepted because self-signed is allowed`,
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
  if (info.chain && info.chain.length > 1) {
    lines.push(`Chain: ${info.chain.map((c) => commonName(c.subject) || '(no subject)').join(' → ')}`);
  }
  return lines.join('\n');
}
