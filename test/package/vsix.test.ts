// `npm run package` must produce a small .vsix that holds the two bundles and nothing that does not run.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';

const root = join(__dirname, '..', '..');
const vsixPath = join(root, 'dist', 'socket-inspector.vsix');

/** Lists the file names in a zip by reading its central directory (enough for a .vsix). */
function zipEntryNames(zip: Buffer): string[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, 'not a zip file: no end-of-central-directory record');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50, 'corrupt central directory');
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

describe('npm run package', () => {
  let names: string[] = [];
  before(() => {
    execFileSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    names = zipEntryNames(readFileSync(vsixPath));
  });

  it('stays under 2 MB', () => {
    const size = statSync(vsixPath).size;
    assert.ok(size < 2 * 1024 * 1024, `vsix is ${size} bytes`);
  });

  it('holds both bundles and the manifest', () => {
    for (const name of ['extension/dist/extension.js', 'extension/dist/webview.js', 'extension/package.json']) {
      assert.ok(names.includes(name), `${name} missing from ${names.join(', ')}`);
    }
  });

  it('holds the icon, the changelog and every image the README shows', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { icon?: string };
    assert.equal(manifest.icon, 'media/icon.png');
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((src) => !/^https?:/.test(src));
    assert.ok(images.length > 0, 'README shows no image');
    for (const name of ['extension/media/icon.png', 'extension/changelog.md', ...images.map((src) => `extension/${src}`)]) {
      assert.ok(names.includes(name), `${name} missing from ${names.join(', ')}`);
    }
  });

  it('holds the manifest strings and the host message bundle (package.nls.json, l10n/)', () => {
    for (const name of ['extension/package.nls.json', 'extension/l10n/bundle.l10n.json']) {
      assert.ok(names.includes(name), `${name} missing from ${names.join(', ')}`);
    }
  });

  it('holds no sources, tests or unbundled node_modules', () => {
    const offending = names.filter((n) => /^extension\/(src|test|webview|shared|scripts|bench|node_modules)\//.test(n) || n.endsWith('.ts') || n.endsWith('.map'));
    assert.deepEqual(offending, []);
  });

  it('bundles ws into the host bundle instead of requiring it at run time', () => {
    const bundle = readFileSync(join(root, 'dist', 'extension.js'), 'utf8');
    assert.doesNotMatch(bundle, /require\(["']ws["']\)/);
  });
});
