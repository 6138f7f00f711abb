// Self-signed certificates made by the openssl CLI in a temporary folder, and openssl's view of them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SelfSigned {
  readonly cert: string;
  readonly key: string;
  /** SHA-256 fingerprint as `openssl x509 -fingerprint -sha256` prints it (AB:CD:…). */
  readonly fingerprint256: string;
  /** Serial as openssl prints it (uppercase hex). */
  readonly serial: string;
}

/**
 * An EC P-256 certificate for `subject` (openssl -subj syntax; default CN=localhost) with SAN DNS:localhost
 * and IP:127.0.0.1, valid two days.
 */
export function makeSelfSigned(subject = '/CN=localhost'): SelfSigned {
  const dir = mkdtempSync(join(tmpdir(), 'si-cert-'));
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyPath, '-out', certPath, '-days', '2', '-utf8', '-subj', subject,
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    const fingerprintLine = execFileSync('openssl', ['x509', '-in', certPath, '-noout', '-fingerprint', '-sha256'], {
      encoding: 'utf8',
    });
    const serialLine = execFileSync('openssl', ['x509', '-in', certPath, '-noout', '-serial'], { encoding: 'utf8' });
    return {
      cert: readFileSync(certPath, 'utf8'),
      key: readFileSync(keyPath, 'utf8'),
      fingerprint256: fingerprintLine.trim().split('=')[1]!,
      serial: serialLine.trim().split('=')[1]!,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
