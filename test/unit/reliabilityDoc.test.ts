// docs/reliability.md names the test behind every claim (`file.test.ts › test name`). This keeps the table
// honest: every file it names exists in a suite `npm test` runs, and every test name matches a test there.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..');
const SUITES = ['test/unit', 'test/peers', 'test/browser'];

/** `file.test.ts › name` and `› name` (same file as the reference before it) spans in the document. */
function references(markdown: string): Array<{ file: string; name?: string; line: number }> {
  const out: Array<{ file: string; name?: string; line: number }> = [];
  let lastFile = '';
  markdown.split('\n').forEach((text, i) => {
    for (const m of text.matchAll(/`([^`]+)`/g)) {
      const span = m[1]!;
      const full = /^(?:test\/(?:unit|peers|browser)\/)?([\w.]+\.test\.ts)(?: › (.+))?$/.exec(span);
      if (full) {
        lastFile = full[1]!;
        out.push({ file: lastFile, ...(full[2] ? { name: full[2] } : {}), line: i + 1 });
        continue;
      }
      const continued = /^› (.+)$/.exec(span);
      if (continued && lastFile) out.push({ file: lastFile, name: continued[1]!, line: i + 1 });
    }
  });
  return out;
}

interface Title {
  /** The title as a pattern: `${…}` in a template literal matches anything. */
  readonly pattern: RegExp;
  /** The title as written, `${…}` included. */
  readonly raw: string;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Titles of it()/describe() calls in a test file. */
function titles(source: string): Title[] {
  const out: Title[] = [];
  for (const m of source.matchAll(/\b(?:it|describe)\(\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|`((?:[^`\\]|\\.)*)`)/g)) {
    const raw = (m[1] ?? m[2] ?? m[3]!).replace(/\\(.)/g, '$1');
    out.push({ raw, pattern: new RegExp(`^${raw.split(/\$\{[^}]*\}/).map(escapeRegExp).join('.+')}$`) });
  }
  return out;
}

/**
 * Whether a name from the document matches a test: each ` › ` segment (describe blocks, then the test)
 * is a title, an instance of a templated title, or a title with "…" for an omitted part and "<x>" for a
 * templated one.
 */
function nameMatches(name: string, known: readonly Title[]): boolean {
  return name.split(' › ').every((segment) => {
    const shape = new RegExp(
      `^${segment
        .split(/(<[^>]+>| ?…)/)
        .map((p) => (p.endsWith('…') ? '.*' : /^<[^>]+>$/.test(p) ? '.+' : escapeRegExp(p)))
        .join('')}$`,
    );
    return known.some((t) => t.pattern.test(segment) || shape.test(t.raw));
  });
}

describe('docs/reliability.md', () => {
  const markdown = readFileSync(join(ROOT, 'docs', 'reliability.md'), 'utf8');
  const refs = references(markdown);

  it('names tests', () => {
    assert.ok(refs.length > 50, `only ${refs.length} references found`);
  });

  it('names only test files of suites npm test runs, and only tests that exist there', () => {
    const problems: string[] = [];
    const cache = new Map<string, Title[]>();
    for (const ref of refs) {
      const dir = SUITES.find((d) => existsSync(join(ROOT, d, ref.file)));
      if (!dir) {
        problems.push(`line ${ref.line}: ${ref.file} is not in ${SUITES.join(', ')}`);
        continue;
      }
      if (!ref.name) continue;
      const key = join(dir, ref.file);
      if (!cache.has(key)) cache.set(key, titles(readFileSync(join(ROOT, key), 'utf8')));
      if (!nameMatches(ref.name, cache.get(key)!)) problems.push(`line ${ref.line}: no test "${ref.name}" in ${ref.file}`);
    }
    assert.deepEqual(problems, []);
  });

  it('would notice a test that does not exist (so the check above can fail)', () => {
    const known = titles("describe('suite', () => { it('a real test', () => {}); it(`opens a ${label} file`, () => {}); });");
    assert.equal(nameMatches('a real test', known), true);
    assert.equal(nameMatches('suite › a real test', known), true);
    assert.equal(nameMatches('opens a corrupt file', known), true);
    assert.equal(nameMatches('opens a <kind> file', known), true);
    assert.equal(nameMatches('a real …', known), true);
    assert.equal(nameMatches('an imagined test', known), false);
    assert.equal(nameMatches('other suite › a real test', known), false);
  });
});
