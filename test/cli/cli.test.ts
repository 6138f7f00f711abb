// The command-line runner as a user runs it: built (npm run build), spawned as `node dist/cli.js test …`
// on the sample sessions against the echo servers `npm start` runs (on free ports here), its exit codes,
// its output, its JUnit XML read by a real XML parser (Python's xml.etree.ElementTree) and its recorded
// failures opened with the session parser.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEchoServers } from '../../scripts/echoServer.mjs';
import { parseSession } from '../../src/core/session/sessionParse';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const SAMPLE_WS = 'samples/tests/echo-json-api.socket-session.json';
const SAMPLE_TCP = join(ROOT, 'samples', 'tests', 'echo-line-protocol.socket-session.json');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI from the repository root, as `npx socket-inspector` would. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface JUnitCase {
  name: string;
  classname: string;
  time: string;
  failure?: { message: string; type: string; text: string };
}
interface JUnit {
  root: string;
  attrs: Record<string, string>;
  suites: { attrs: Record<string, string>; cases: JUnitCase[] }[];
}

/** The report as Python's XML parser reads it. */
function readJUnit(path: string): JUnit {
  const script = `
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
out = {"root": root.tag, "attrs": dict(root.attrib), "suites": []}
for s in root.findall("testsuite"):
    cases = []
    for c in s.findall("testcase"):
        case = {"name": c.get("name"), "classname": c.get("classname"), "time": c.get("time")}
        f = c.find("failure")
        if f is not None:
            case["failure"] = {"message": f.get("message"), "type": f.get("type"), "text": f.text or ""}
        cases.append(case)
    out["suites"].append({"attrs": dict(s.attrib), "cases": cases})
print(json.dumps(out))
`;
  const r = spawnSync('/usr/bin/python3', ['-c', script, path], { encoding: 'utf8' });
  assert.equal(r.status, 0, `python could not parse the report: ${r.stderr}`);
  return JSON.parse(r.stdout) as JUnit;
}

describe('socket-inspector test (dist/cli.js)', () => {
  let echo: Awaited<ReturnType<typeof startEchoServers>>;
  let dir: string;
  let envFile: string;

  before(async () => {
    const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(build.status, 0, `npm run build failed: ${build.stderr}`);
    echo = await startEchoServers({ wsPort: 0, tcpPort: 0 });
    dir = mkdtempSync(join(tmpdir(), 'si-cli-'));
    envFile = join(dir, 'ci.socket-env.json');
    writeFileSync(envFile, JSON.stringify({ environments: { ci: { echoWs: echo.wsUrl, channel: 'ticker', requestId: '42' } } }));
    // The TCP sample names npm start's port; this copy names the one started here.
    const port = echo.tcpTarget.split(':')[1]!;
    writeFileSync(join(dir, 'line.socket-session.json'), readFileSync(SAMPLE_TCP, 'utf8').replace('"port": 8766', `"port": ${port}`));
  });
  after(async () => {
    await echo?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the samples: every test passes, exit code 0, a line per test and a summary', async () => {
    const r = await cli(['test', SAMPLE_WS, join(dir, '*.socket-session.json'), '--env-file', envFile, '--env', 'ci']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const lines = r.stdout.split('\n');
    assert.ok(lines.includes(`✓ ${SAMPLE_WS} › subscribe is acknowledged (${/\(([^)]+)\)$/.exec(lines[0]!)![1]})`), r.stdout);
    assert.equal(lines.filter((l) => l.startsWith('✓ ')).length, 4);
    assert.match(r.stdout, /\nTests: 4 passed, 4 total \(2 files\) in \d/);
  });

  it('a failing run exits 1, writes JUnit XML a real parser reads, and records the failing test as a session file', async () => {
    const failing = join(dir, 'fail', 'broken-api.socket-session.json');
    const secret = 'hunter2-secret';
    const text = JSON.stringify(
      {
        version: 1,
        name: 'failing <api> & "quotes"',
        connection: { type: 'websocket', url: echo.wsUrl },
        tests: [
          { name: 'passes', steps: [{ send: 'a' }, { expect: { text: 'a' } }] },
          { name: 'wrong <reply> & more', steps: [{ send: 'key=${secret:api}' }, { expect: { text: 'something else', within: 300 } }] },
        ],
      },
      null,
      2,
    );
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'fail'));
    writeFileSync(failing, text);
    const junit = join(dir, 'out', 'results.xml');
    const record = join(dir, 'recorded');
    const r = await cli(['test', `${dir}/fail/**/*.socket-session.json`, '--junit', junit, '--record-failures', record], { SOCKET_INSPECTOR_SECRET_API: secret });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /✗ .*broken-api\.socket-session\.json › wrong <reply> & more/);
    // The failing step's object opens on the line before its "expect" key (the second one in the file).
    const expectLine = text.slice(0, text.lastIndexOf('"expect"')).split('\n').length - 1;
    assert.ok(r.stdout.includes(`    expect at line ${expectLine} (tests[1].steps[1])\n`), r.stdout);
    assert.match(r.stdout, /Tests: 1 passed, 1 failed, 2 total \(1 file\)/);
    assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), 'the secret is not printed');

    const report = readJUnit(junit);
    assert.equal(report.root, 'testsuites');
    assert.deepEqual([report.attrs.tests, report.attrs.failures, report.attrs.errors], ['2', '1', '0']);
    assert.equal(report.suites.length, 1);
    const [ok, bad] = report.suites[0]!.cases;
    assert.equal(ok!.name, 'passes');
    assert.equal(ok!.failure, undefined);
    assert.equal(bad!.name, 'wrong <reply> & more');
    assert.match(bad!.classname, /broken-api\.socket-session\.json$/);
    for (const c of [ok!, bad!]) assert.match(c.time, /^\d+\.\d{3}$/);
    assert.ok(Number(bad!.time) >= 0.3, `the failing test waited its timeout (${bad!.time} s)`);
    assert.match(bad!.failure!.message, /nothing matching arrived within 300 ms/);
    assert.equal(bad!.failure!.type, 'expect');
    assert.match(bad!.failure!.text, /expected:\nsomething else\n\nactual:\nkey=<redacted>/);
    assert.ok(!readFileSync(junit, 'utf8').includes(secret), 'the secret is not in the report');

    const files = readdirSync(record);
    assert.deepEqual(files, ['broken-api--wrong-reply-more.socket-session.json']);
    const recordedText = readFileSync(join(record, files[0]!), 'utf8');
    assert.ok(!recordedText.includes(secret), 'the secret is not in the recorded run');
    const recorded = parseSession(recordedText);
    assert.deepEqual(recorded.tests?.map((t) => t.name), ['wrong <reply> & more']);
    assert.ok(recorded.log!.entries.some((e) => e.direction === 'in' && e.text === 'key=<redacted>'));
  });

  it('exits 2 on a session file with a mistake, naming its line, and reports it in JUnit as an error', async () => {
    const bad = join(dir, 'bad', 'wrong.socket-session.json');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'bad'));
    writeFileSync(bad, '{\n  "version": 1,\n  "connection": { "type": "websocket", "url": "ws://127.0.0.1:9/" },\n  "tests": [\n    { "name": "t", "steps": [\n      { "wait": -5 }\n    ] }\n  ]\n}\n');
    const junit = join(dir, 'bad.xml');
    const r = await cli(['test', bad, '--junit', junit]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /tests\[0\]\.steps\[0\]\.wait must be a number of milliseconds .*\(line 6, column 17\)/);
    const report = readJUnit(junit);
    assert.equal(report.attrs.errors, '1');
  });

  it('exits 2 on usage errors and on patterns that match nothing, and a missing environment names those there are', async () => {
    const usage = await cli(['test']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /Name the session files to test/);
    assert.equal((await cli(['frobnicate'])).code, 2);
    assert.equal((await cli(['test', SAMPLE_WS, '--colour'])).code, 2);
    const none = await cli(['test', 'nowhere/**/*.socket-session.json']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /No session files match "nowhere\/\*\*\/\*\.socket-session\.json"/);
    const env = await cli(['test', SAMPLE_WS, '--env', 'staging']);
    assert.equal(env.code, 2);
    assert.match(env.stderr, /There is no environment "staging": the environment files define "local"/);
    const help = await cli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: socket-inspector test/);
  });

  it('a missing variable fails the test before connecting (exit 1), never sending an empty value', async () => {
    const r = await cli(['test', SAMPLE_WS]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /connection\.url: \$\{echoWs\} is not defined.*checked before connecting/);
  });
});
