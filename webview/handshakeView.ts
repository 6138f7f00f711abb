// The Connection tab: the WebSocket opening handshake exactly as it crossed the wire (request line and
// headers sent, status and headers received, the body of a refused upgrade) and the TLS session.
import type { HandshakeInfo, TlsInfo } from '../shared/logModel';
import { renderCertificateChain } from './certificateChainView';
import { clear, h, icon } from './domBuilder';
import { escapedElement, escapedNodes } from './escapedText';
import { formatBytes } from './entryFormat';
import { t, tParts } from './l10n';

/** What the Connection tab shows. */
export interface ConnectionDetails {
  readonly connectionKind: 'ws' | 'tcp';
  readonly target: string;
  readonly handshake?: HandshakeInfo;
  readonly tls?: TlsInfo;
  readonly protocol?: string;
  readonly extensions?: string;
}

const lenient = new TextDecoder('utf-8');

function headerTable(headers: ReadonlyArray<readonly [string, string]>): HTMLElement {
  if (headers.length === 0) return h('div', { className: 'muted', text: t('No headers.') });
  const table = h('table', { className: 'kv-table headers' });
  for (const [name, value] of headers) {
    table.append(h('tr', {}, [escapedElement('th', { attrs: { scope: 'row' } }, name), escapedElement('td', {}, value)]));
  }
  return table;
}

function kvTable(rows: ReadonlyArray<readonly [string, string | undefined]>): HTMLElement {
  const table = h('table', { className: 'kv-table' });
  for (const [name, value] of rows) {
    if (value === undefined || value === '') continue;
    table.append(h('tr', {}, [h('th', { text: name, attrs: { scope: 'row' } }), escapedElement('td', {}, value)]));
  }
  return table;
}

function section(title: string, testId: string | undefined, children: ReadonlyArray<Node | undefined>): HTMLElement {
  return h('section', { className: 'conn-section', testId }, [h('h3', { className: 'section-title', text: title }), ...children]);
}

function requestSection(hs: HandshakeInfo): HTMLElement {
  return section(t('Request'), 'handshake-request', [escapedElement('div', { className: 'start-line' }, hs.requestLine), headerTable(hs.requestHeaders)]);
}

function responseSection(hs: HandshakeInfo): HTMLElement {
  if (!hs.statusLine) {
    return section(t('Response'), 'handshake-response', [h('div', { className: 'muted', text: t('No response received (yet).') })]);
  }
  const ok = hs.status === 101;
  const children: Array<Node | undefined> = [
    h('div', { className: `start-line ${ok ? 'status-ok' : 'status-failed'}` }, [icon(ok ? 'pass' : 'error'), ' ', ...escapedNodes(hs.statusLine)]),
    headerTable(hs.responseHeaders ?? []),
  ];
  if (hs.responseBody && hs.responseBody.length > 0) {
    children.push(
      h('div', { className: 'subhead', text: hs.responseBodyTruncated ? t('Body (first {0})', formatBytes(hs.responseBody.length)) : t('Body') }),
      h('pre', { className: 'response-body', text: lenient.decode(hs.responseBody) }),
    );
  }
  return section(t('Response'), 'handshake-response', children);
}

function tlsSection(tls: TlsInfo): HTMLElement {
  const why = tls.authorizationError
    ? tls.authorizationReason && tls.authorizationReason !== tls.authorizationError ? `${tls.authorizationReason} (${tls.authorizationError})` : tls.authorizationError
    : undefined;
  const trust = tls.authorized
    ? h('div', { className: 'status-ok', testId: 'tls-verification' }, [icon('pass'), ' ', t('Certificate verified')])
    : h('div', { className: 'status-warning', testId: 'tls-verification' }, [icon('warning'), ' ', ...(why === undefined
          ? [t('Certificate not verified — accepted because self-signed certificates are allowed')]
          : tParts('Certificate not verified: {0} — accepted because self-signed certificates are allowed', escapedElement('span', {}, why)))]);
  const chain = tls.chain ?? (tls.peerCertificate ? [tls.peerCertificate] : []);
  return section('TLS', 'handshake-tls', [
    trust,
    kvTable([
      [t('Protocol'), tls.protocol],
      [t('Cipher'), tls.cipher],
      ['ALPN', tls.alpnProtocol],
    ]),
    chain.length > 0 ? h('div', { className: 'subhead', text: chain.length > 1 ? t('Certificate chain ({0}, leaf → root)', chain.length) : t('Peer certificate') }) : undefined,
    chain.length > 0 ? renderCertificateChain(chain) : undefined,
  ]);
}

/** Renders the Connection tab's content into `container`. */
export function renderConnectionDetails(container: HTMLElement, d: ConnectionDetails): void {
  clear(container);
  const parts: Array<Node | undefined> = [];
  if (d.connectionKind === 'ws') {
    if (d.handshake) {
      parts.push(requestSection(d.handshake), responseSection(d.handshake));
    } else {
      parts.push(
        section(t('Request'), 'handshake-request', [h('div', { className: 'muted', text: t('Not sent yet.') })]),
        section(t('Response'), 'handshake-response', [h('div', { className: 'muted', text: t('No response yet.') })]),
      );
    }
    if (d.protocol || d.extensions) {
      parts.push(section(t('Negotiated'), undefined, [kvTable([[t('Subprotocol'), d.protocol], [t('Extensions'), d.extensions]])]));
    }
  } else {
    parts.push(h('div', { className: 'muted' }, tParts('Raw TCP connection to {0}: there is no handshake beyond {1}.', escapedElement('span', {}, d.target), d.tls ? 'TLS' : 'TCP')));
  }
  if (d.tls) parts.push(tlsSection(d.tls));
  container.append(...parts.filter((p): p is Node => p !== undefined));
}
