// The read budget: a source is paused once a turn's bytes exceed the budget and resumed when the turn
// ends, and never resumed after disposal.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReadBudget } from '../../src/core/receive/readBudget';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function recorder(bytesPerTurn: number) {
  const calls: string[] = [];
  const budget = new ReadBudget(
    () => calls.push('pause'),
    () => calls.push('resume'),
    bytesPerTurn,
  );
  return { calls, budget };
}

describe('ReadBudget', () => {
  it('pauses once the bytes of one turn reach the budget, and resumes when the turn ends', async () => {
    const { calls, budget } = recorder(100);
    budget.onRead(60);
    assert.deepEqual(calls, []);
    budget.onRead(40);
    assert.deepEqual(calls, ['pause']);
    budget.onRead(40); // a chunk already on its way is still counted, not paused twice
    assert.deepEqual(calls, ['pause']);
    await nextTurn();
    assert.deepEqual(calls, ['pause', 'resume']);
    budget.dispose();
  });

  it('starts every turn with the whole budget', async () => {
    const { calls, budget } = recorder(100);
    budget.onRead(90);
    await nextTurn();
    budget.onRead(90);
    await nextTurn();
    assert.deepEqual(calls, []);
    budget.dispose();
  });

  it('does not resume a source after disposal', async () => {
    const { calls, budget } = recorder(10);
    budget.onRead(10);
    budget.dispose();
    await nextTurn();
    budget.onRead(10);
    assert.deepEqual(calls, ['pause']);
  });
});
