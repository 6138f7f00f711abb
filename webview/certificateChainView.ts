// The TLS certificate chain as a readable list, leaf first and root last, one card per certificate.
// Every string comes from the peer's certificates: it goes into the page as text only (domBuilder).
import type { CertificateSummary } from '../shared/logModel';
import { h } from './domBuilder';
import { escapedElement } from './escapedText';
import { t } from './l10n';

/** The role of a certificate by its place in the chain. */
function roleOf(index: number, cert: CertificateSummary, length: number): string {
  if (index === 0) return cert.selfIssued && length === 1 ? t('Leaf (self-signed)') : t('Leaf');
  if (index === length - 1 && cert.selfIssued) return t('Root');
  return t('Intermediate');
}

/** "EC P-256", "RSA 2048 bits". */
export function describeKey(cert: CertificateSummary): string | undefined {
  const parts = [cert.keyType, cert.keyCurve ?? (cert.keyBits ? t('{0} bits', cert.keyBits) : undefined)].filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : undefined;
}

/** Validity with a warning when `now` is outside it. */
export function describeValidity(cert: CertificateSummary, now: number): string {
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  if (!Number.isNaN(to) && now > to) return t('{0} – {1} (expired)', cert.validFrom, cert.validTo);
  if (!Number.isNaN(from) && now < from) return t('{0} – {1} (not valid yet)', cert.validFrom, cert.validTo);
  return `${cert.validFrom} – ${cert.validTo}`;
}

function row(name: string, value: string | undefined): HTMLElement | undefined {
  if (value === undefined || value === '') return undefined;
  return h('tr', {}, [h('th', { text: name, attrs: { scope: 'row' } }), escapedElement('td', {}, value)]);
}

function card(cert: CertificateSummary, index: number, length: number, now: number): HTMLElement {
  const role = roleOf(index, cert, length);
  return h('li', { className: 'cert-card', testId: 'tls-chain-cert', attrs: { 'data-role': role.split(' ')[0]!.toLowerCase() } }, [
    h('div', { className: 'cert-title' }, [h('span', { className: 'cert-role', text: `${index + 1}. ${role}` }), ' ', escapedElement('span', {}, cert.subject || t('(no subject)'))]),
    h('table', { className: 'kv-table' }, [
      row(t('Subject'), cert.subject),
      row(t('Issuer'), cert.issuer),
      row(t('Valid'), describeValidity(cert, now)),
      row(t('Alt names'), cert.subjectAltName),
      row(t('Key'), describeKey(cert)),
      row(t('CA'), cert.isCA === undefined ? undefined : cert.isCA ? t('yes') : t('no')),
      row(t('Serial'), cert.serialNumber),
      row('SHA-256', cert.fingerprint256),
      row('SHA-1', cert.fingerprint),
    ]),
  ]);
}

/** The chain, leaf → root, as an ordered list. */
export function renderCertificateChain(chain: readonly CertificateSummary[], now = Date.now()): HTMLElement {
  return h(
    'ol',
    { className: 'cert-chain', testId: 'tls-chain', attrs: { 'aria-label': t('Certificate chain, leaf first') } },
    chain.map((cert, i) => card(cert, i, chain.length, now)),
  );
}
