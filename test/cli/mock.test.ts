// `mock` in a test's set-up, run by the built command-line runner (dist/cli.js): the sample chat client
// session runs against a mock of the recorded chat server (samples/recordings), with no server at all;
// the JUnit XML is read by Python's XML parser. A copy whose expectation differs from the recording fails
// at that step's line, and a mock whose recording is missing fails the test saying so.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const SAMPLE = 'samples/tests/chat-client-mocked.socket-session.json';

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** testcase name → failure message ('' when it passed), as Python's XML parser reads the report. */
function junitCases(path: string): Record<string, string> {
  const script = `
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
out = {}
for c in root.iter("testcase"):
    f = c.find("failure")
    out[c.get("name")] = "" if f is None else f.get("message")
print(json.dumps(out))
`;
  const r = spawnSync('/usr/bin/python3', ['-c', script, path], { encoding: 'utf8' });
  assert.equal(r.status, 0, `python could not parse the report: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, string>;
}

describe('socket-inspector test with a mock in the set-up (dist/cli.js)', () => {
  let dir: string;
  before(() => {
    const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(build.status, 0, `npm run build failed: ${build.stderr}`);
    dir = mkdtempSync(join(tmpdir(), 'si-cli-mock-'));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the sample against the mock of the recorded server: every test passes', async () => {
    const junit = join(dir, 'sample.xml');
    const r = await cli(['test', SAMPLE, '--junit', junit]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /\nTests: 3 passed, 3 total \(1 file\) in \d/);
    assert.deepEqual(junitCases(junit), {
      'login and join are answered as the server did': '',
      'a request the recording never saw gets the fallback': '',
      'history comes back in the recorded order': '',
    });
  });

  it('fails where the test expects what the recording does not hold, and when the recording is missing', async () => {
    const sample = JSON.parse(readFileSync(join(ROOT, SAMPLE), 'utf8')) as { tests: Array<{ name: string; setup: { mock: { session: string } }; steps: object[] }> };
    for (const t of sample.tests) t.setup.mock.session = join(ROOT, 'samples', 'recordings', 'chat-server.socket-session.json');
    sample.tests[0]!.steps[5] = { expect: { jsonPath: { path: 'result.members', equals: 4 }, within: 500 } };
    sample.tests[1]!.setup.mock.session = 'missing.socket-session.json';
    const text = JSON.stringify(sample, null, 2);
    const file = join(dir, 'changed.socket-session.json');
    writeFileSync(file, text);
    const junit = join(dir, 'changed.xml');
    const r = await cli(['test', file, '--junit', junit]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /Tests: 1 passed, 2 failed, 3 total/);
    // The step's object opens four lines above its "equals" (JSON.stringify's layout).
    const line = text.slice(0, text.indexOf('"equals": 4')).split('\n').length - 4;
    assert.ok(r.stdout.includes(`expect at line ${line} (tests[0].steps[5])`), r.stdout);
    const cases = junitCases(junit);
    assert.match(cases['login and join are answered as the server did']!, /nothing matching arrived within 500 ms/);
    assert.match(cases['a request the recording never saw gets the fallback']!, /^setup\.mock: Cannot open session .*missing\.socket-session\.json/);
    assert.equal(cases['history comes back in the recorded order'], '');
  });
});
