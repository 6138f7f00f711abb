// Self-signed certificates made by the openssl CLI in a temporary folder, and openssl's view of them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/** A three-level chain made by the openssl CLI: an RSA root, an EC intermediate, an EC leaf for localhost. */
export interface CertificateChain {
  /** The root CA certificate (PEM), to pass as `ca`. */
  readonly root: string;
  /** Leaf then intermediate (PEM), what the server presents. */
  readonly serverCert: string;
  readonly serverKey: string;
  /** SHA-256 fingerprints as openssl prints them: leaf, intermediate, root. */
  readonly fingerprints: readonly [string, string, string];
}

/**
 * Makes a root CA (RSA 2048), an intermediate CA (EC P-256) and a leaf for localhost/127.0.0.1 (EC P-256).
 * `rootOrganization` is the root's O= (tests put markup there to prove it is shown as text).
 */
export function makeChain(rootOrganization = 'Socket Inspector Tests'): CertificateChain {
  const dir = mkdtempSync(join(tmpdir(), 'si-chain-'));
  const at = (name: string) => join(dir, name);
  const run = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    writeFileSync(at('ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
    writeFileSync(at('leaf.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', at('root.key'), '-out', at('root.pem'), '-days', '2',
      '-subj', `/O=${rootOrganization}/CN=Test Root CA`, '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    run(['req', ...ec, '-keyout', at('int.key'), '-out', at('int.csr'), '-subj', '/CN=Test Intermediate CA']);
    run(['x509', '-req', '-in', at('int.csr'), '-CA', at('root.pem'), '-CAkey', at('root.key'), '-CAcreateserial',
      '-out', at('int.pem'), '-days', '2', '-extfile', at('ca.ext')]);
    run(['req', ...ec, '-keyout', at('leaf.key'), '-out', at('leaf.csr'), '-subj', '/CN=localhost']);
    run(['x509', '-req', '-in', at('leaf.csr'), '-CA', at('int.pem'), '-CAkey', at('int.key'), '-CAcreateserial',
      '-out', at('leaf.pem'), '-days', '2', '-extfile', at('leaf.ext')]);
    const fingerprint = (file: string) =>
      execFileSync('openssl', ['x509', '-in', at(file), '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' }).trim().split('=')[1]!;
    return {
      root: readFileSync(at('root.pem'), 'utf8'),
      serverCert: readFileSync(at('leaf.pem'), 'utf8') + readFileSync(at('int.pem'), 'utf8'),
      serverKey: readFileSync(at('leaf.key'), 'utf8'),
      fingerprints: [fingerprint('leaf.pem'), fingerprint('int.pem'), fingerprint('root.pem')],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
