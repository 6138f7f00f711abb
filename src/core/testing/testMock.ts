// A test's set-up `mock`: the recorded session it names served on a free loopback port for the length of
// the test, its address given to the test as ${mock.url}, ${mock.host} and ${mock.port}.
import { SocketInspectorError } from '../../../shared/errors';
import { loadMockScript } from '../mock/mockLoad';
import { createMockServer, type MockServer } from '../mock/mockServer';
import { readMockFallback, readMockStrategy } from '../mock/mockSettings';
import { formatHostPort } from '../listen/listenAddress';
import type { TestMock } from './testFormat';

/** A started mock and the variables that name it. */
export interface StartedMock {
  readonly server: MockServer;
  readonly variables: Readonly<Record<string, string>>;
}

/** Loads and starts the mock; throws a SocketInspectorError saying what failed ("setup.mock: …"). */
export async function startTestMock(mock: TestMock, baseDir: string | undefined): Promise<StartedMock> {
  let server: MockServer | undefined;
  try {
    const script = await loadMockScript(mock.session, baseDir);
    const strategy = mock.strategy === undefined ? { type: 'exact' as const } : readMockStrategy(mock.strategy, 'setup.mock.strategy', []);
    const fallback = mock.fallback === undefined ? undefined : readMockFallback(mock.fallback, 'setup.mock.fallback', []);
    server = createMockServer(script, { strategy, ...(fallback ? { fallback } : {}), address: { host: '127.0.0.1', port: 0 } });
    await server.start();
    const { host, port } = server.session.address!;
    return { server, variables: { 'mock.url': `${script.kind === 'ws' ? 'ws' : 'tcp'}://${formatHostPort(host, port)}`, 'mock.host': host, 'mock.port': String(port) } };
  } catch (e) {
    server?.dispose();
    const why = e instanceof Error ? e.message : String(e);
    throw new SocketInspectorError(e instanceof SocketInspectorError ? e.code : 'BAD_SESSION', `setup.mock: ${why}`);
  }
}
