// docs/testing.md's tables of test hooks: each `data-testid` is described once, so the e2e suite and
// other readers find one meaning for it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'testing.md'), 'utf8');

/** The hooks a table row describes: the backticked names in its first cell (`a`, `b`, `-c` → a, b, a-c). */
function hooksOf(row: string): string[] {
  const cell = row.split('|')[1] ?? '';
  const names = [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
  const out: string[] = [];
  let stem = '';
  for (const name of names) {
    if (name.startsWith('-') && stem) out.push(stem.replace(/-[^-]+$/, '') + name);
    else {
      out.push(name);
      stem = name;
    }
  }
  return out;
}

describe('docs/testing.md', () => {
  it('describes each data-testid once', () => {
    const start = doc.indexOf('## Test hooks');
    const end = doc.indexOf('## Writing a browser test');
    assert.ok(start >= 0 && end > start, 'the Test hooks section');
    const rows = doc.slice(start, end).split('\n').filter((l) => l.startsWith('| `'));
    const seen = new Map<string, number>();
    for (const row of rows) for (const hook of hooksOf(row)) if (hook !== 'data-testid') seen.set(hook, (seen.get(hook) ?? 0) + 1);
    assert.ok(seen.size > 50, `found ${seen.size} hooks`);
    assert.deepEqual([...seen].filter(([, n]) => n > 1).map(([hook]) => hook), []);
  });
});
