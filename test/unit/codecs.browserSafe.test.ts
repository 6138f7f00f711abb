// The codecs are bundled into the webview, where there is no Buffer, process or require. This bundles
// them for the browser and runs them in a bare V8 context holding only what a browser page has in
// common with Node for them (TextEncoder/TextDecoder), so a Node-only API fails here, not in the panel.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';

const codecsDir = join(import.meta.dirname, '../../shared/codecs');

describe('codecs in a browser-like context', () => {
  it('use no Node-only API in their source', () => {
    const files = readdirSync(codecsDir).filter((f) => f.endsWith('.ts'));
    assert.ok(files.length >= 5, `found ${files.join(', ')}`);
    for (const f of files) {
      // Comments may name what the code avoids.
      const source = readFileSync(join(codecsDir, f), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      for (const banned of [/\bBuffer\b/, /\brequire\(/, /from 'node:/, /\bprocess\./, /\batob\(|\bbtoa\(/, /\bvscode\b/]) {
        assert.doesNotMatch(source, banned, `${f} uses ${banned}`);
      }
    }
  });

  it('bundle for the browser and run without Node globals', async () => {
    const result = await build({
      entryPoints: [join(codecsDir, 'index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'iife',
      globalName: 'codecs',
      target: 'chrome120',
      write: false,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.text;
    const sandbox: Record<string, unknown> = { TextEncoder, TextDecoder };
    const c = runInNewContext(`${code}; codecs`, sandbox) as typeof import('../../shared/codecs/index');
    assert.equal(typeof Reflect.get(sandbox, 'Buffer'), 'undefined');
    const hello = new TextEncoder().encode('Hello\n');
    assert.equal(c.hexDump(hello), '00000000: 4865 6c6c 6f0a                           Hello.\n');
    assert.equal(c.encodeBase64(hello), 'SGVsbG8K');
    assert.deepEqual([...c.decodeBase64('SGVsbG8K')], [...hello]);
    assert.deepEqual([...c.parseComposerInput('0x48 65', 'hex')], [0x48, 0x65]);
    assert.deepEqual([...c.parseComposerInput('a\\x00', 'text', { escapes: true })], [0x61, 0]);
    assert.equal(c.formatJson('{"a":[1]}'), '{\n  "a": [\n    1\n  ]\n}');
    assert.equal(c.decodeUtf8(Uint8Array.of(0x61, 0xff)).invalidCount, 1);
    assert.equal(c.previewText(hello, 10), 'Hello\n');
    const v = c.validateComposerInput('zz', 'hex');
    assert.equal(v.ok, false);
    if (!v.ok) assert.equal(v.error.message, "Invalid hex: 'z' at line 1, column 1 (not a hex digit)");
  });
});
