import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sessionDisplayName, sessionFileNameFor } from '../../src/core/session/sessionFileName';

describe('session file names', () => {
  it('shows a session by its name without the suffix', () => {
    assert.equal(sessionDisplayName('echo.socket-session.json'), 'echo');
    assert.equal(sessionDisplayName('notes.json'), 'notes.json');
  });

  it('keeps the suffix on rename, whether typed or not', () => {
    assert.equal(sessionFileNameFor('staging'), 'staging.socket-session.json');
    assert.equal(sessionFileNameFor('  staging.socket-session.json '), 'staging.socket-session.json');
    assert.equal(sessionFileNameFor('chat – prod ✓'), 'chat – prod ✓.socket-session.json');
  });

  it('refuses names that would move, hide or break the file, saying why', () => {
    assert.throws(() => sessionFileNameFor('  '), /needs a name/);
    assert.throws(() => sessionFileNameFor('.socket-session.json'), /needs a name/);
    assert.throws(() => sessionFileNameFor('../escape'), /cannot contain "\/"/);
    assert.throws(() => sessionFileNameFor('a\\b'), /cannot contain/);
    assert.throws(() => sessionFileNameFor('..'), /not a file name/);
    assert.throws(() => sessionFileNameFor('bad\u0000name'), /control characters/);
    assert.throws(() => sessionFileNameFor('x'.repeat(250)), /too long/);
  });
});
