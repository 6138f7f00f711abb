// Payload codecs through an inspector tab in a real extension host: a connection to Debian's
// python3-websockets echo peer, Protobuf chosen with Choose Payload Codec… (its options, as a keybinding
// passes them) from the workspace's .proto files (test/fixtures/proto copied into the workspace folder:
// nested messages and imports), JSON sent encoded as Protobuf through the API's inspector(id) as the
// composer's "Encode as" does, what the peer got read by protoc --decode, the echo decoded with field
// names; then the codec choice saved in a session file and applied when the file opens again.
import * as assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ConnectResult } from '../../../src/vscode/commands/connectCommands';
import type { DecodeSettings } from '../../../shared/decode/decodeSettings';
import { Direction, Kind } from '../../../shared/logModel';
import type { EntryLog } from '../../../src/core/log/entryLog';
import { parseSession } from '../../../src/core/session';
import { startPythonWsServer } from '../../support/processPeers';
import { PROTO_DIR, protocDecode, protocMissing } from '../../support/protoc';
import { inCI, pythonWebsocketsMissing } from '../../support/requirePeer';
import { api, until, workspaceFile } from '../extensionHost';

const FILE = 'chat/v1/message.proto';
const TYPE = 'chat.v1.Message';
const SESSION_FILE = 'protobuf-chat.socket-session.json';

/** Skips the suite when a peer is missing, except in CI, where that fails. */
function requirePeer(context: Mocha.Context, missing: string | undefined): void {
  if (!missing) return;
  if (inCI) throw new Error(`Prerequisite missing in CI: ${missing}`);
  context.skip();
}

/** Seqs of the binary messages of `direction`. */
function binaries(log: EntryLog, direction: Direction): number[] {
  const out: number[] = [];
  for (let s = log.firstSeq; s < log.nextSeq; s++) if (log.kind(s) === Kind.Binary && log.direction(s) === direction) out.push(s);
  return out;
}

suite('Payload codecs through the inspector', () => {
  let peer: Awaited<ReturnType<typeof startPythonWsServer>> | undefined;

  suiteSetup(async function () {
    requirePeer(this, pythonWebsocketsMissing() ?? protocMissing());
    peer = await startPythonWsServer();
    // The .proto files as a user's workspace holds them: chat/v1/message.proto imports attachment.proto
    // beside it and common/types.proto from the workspace folder.
    for (const dir of ['chat', 'common']) cpSync(join(PROTO_DIR, dir), workspaceFile(dir), { recursive: true });
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await peer?.close();
    // The suites share one workspace folder: what this one put there goes, so later ones see theirs only.
    for (const name of ['chat', 'common', SESSION_FILE]) rmSync(workspaceFile(name), { recursive: true, force: true });
  });

  test('Protobuf with a workspace .proto and a type: JSON goes out encoded, the echo decodes with field names, and a session file keeps the choice', async () => {
    const { getConnection, inspector, activeConnectionId } = await api();
    const result = await vscode.commands.executeCommand<ConnectResult>('socketInspector.connectWebSocket', peer!.url('/echo'));
    assert.equal(result.state, 'open', JSON.stringify(result));
    const connection = getConnection(result.id)!;

    const settings = await vscode.commands.executeCommand<DecodeSettings>('socketInspector.choosePayloadCodec', {
      id: result.id,
      codec: 'protobuf',
      protoFiles: [FILE],
      messageType: TYPE,
    });
    assert.deepEqual(settings, { codecs: [{ codec: 'protobuf', messageType: TYPE }], protoFiles: [FILE] });

    const json = '{"id": "42", "text": "hello", "author": {"name": "ann", "userId": "7", "kind": "KIND_BOT"}, "priority": "HIGH", "counters": {"seen": "3"}}';
    const sent = await inspector(result.id)!.send({ format: 'json', input: json, escapes: false, encode: true });
    await until('the echo', () => binaries(connection.log, Direction.In).length === 1);
    const [out] = binaries(connection.log, Direction.Out);
    const [echo] = binaries(connection.log, Direction.In);
    const bytes = connection.log.payload(echo!)!.slice();
    assert.equal(bytes.length, sent.bytes);
    // The echo is the peer's own copy of what it received: protoc reads the fields we typed.
    assert.equal(
      protocDecode(TYPE, FILE, bytes),
      'id: 42\ntext: "hello"\npriority: HIGH\nauthor {\n  name: "ann"\n  user_id: 7\n  kind: KIND_BOT\n}\ncounters {\n  key: "seen"\n  value: 3\n}\n',
    );
    assert.deepEqual([...connection.log.payload(out!)!], [...bytes]);

    const decoded = await inspector(result.id)!.decoded(echo!);
    assert.ok(decoded);
    assert.equal(decoded.error, undefined);
    assert.equal(decoded.summary, 'chat.v1.Message {id: 42, text: "hello", priority: HIGH, author: {…}, counters: {1}}');
    assert.deepEqual(decoded.tree.children?.map((c) => `${c.key}: ${c.type}`), ['id: uint64', 'text: string', 'priority: enum common.Priority', 'author: chat.v1.Message.Author', 'counters: map<string, int64>']);
    const author = decoded.tree.children?.find((c) => c.key === 'author');
    assert.deepEqual(author?.children?.map((c) => `${c.key} = ${c.value}`), ['name = "ann"', 'user_id = 7', 'kind = KIND_BOT (2)']);
    assert.deepEqual(await inspector(result.id)!.summaries([echo!]), [decoded.summary]);

    // A mistake is refused in words, and nothing is sent.
    await assert.rejects(inspector(result.id)!.send({ format: 'json', input: '{"id": "x"}', escapes: false, encode: true }), /Invalid Protobuf JSON at line 1, column \d+: id: /);

    // Saved: the session file holds the rule and the .proto file; opened again, its recording decodes the same way.
    const path = workspaceFile(SESSION_FILE);
    assert.equal((await vscode.commands.executeCommand<vscode.Uri>('socketInspector.saveSessionAs', { id: result.id, uri: path }))?.fsPath, path);
    const saved = parseSession(readFileSync(path, 'utf8'));
    assert.deepEqual(saved.view?.decode, { codecs: [{ codec: 'protobuf', messageType: TYPE }], protoFiles: [FILE] });
    assert.match(readFileSync(path, 'utf8'), /\n {8}\{ "codec": "protobuf", "messageType": "chat\.v1\.Message" \}\n/);
    connection.close();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await until('no inspector active', () => activeConnectionId() === undefined);

    await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(path));
    await until('the session to be registered', () => activeConnectionId() !== undefined);
    const reopened = activeConnectionId()!;
    assert.notEqual(reopened, result.id);
    const recorded = getConnection(reopened)!.log;
    const [recordedEcho] = binaries(recorded, Direction.In);
    assert.ok(recordedEcho !== undefined, 'the recording holds the echo');
    let again: Awaited<ReturnType<NonNullable<ReturnType<typeof inspector>>['decoded']>>;
    // The .proto files load when the file opens; until then the rule says they are not loaded yet.
    for (let tries = 0; ; tries++) {
      again = await inspector(reopened)!.decoded(recordedEcho);
      if ((again !== undefined && again.error === undefined) || tries > 500) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(again?.error, undefined, JSON.stringify(again?.error));
    assert.equal(again?.summary, decoded.summary);
  });
});
