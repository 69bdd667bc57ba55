import t from 'tap';
import { ManualClock } from '../../gateway/core/clock.js';
import { createMemoryStores } from '../../gateway/stores/memory/index.js';
import { storeConformance } from './conformance.js';

storeConformance(t, async () => createMemoryStores(new ManualClock(1_000)));

t.test('memory: expiry follows the injected clock', async (t) => {
  const clock = new ManualClock(1_000);
  const s = createMemoryStores(clock);
  await s.ephemeral.put('x', '1', 100);
  clock.advance(99);
  t.equal(await s.ephemeral.get('x'), '1');
  clock.advance(1);
  t.equal(await s.ephemeral.get('x'), null);
  t.equal(await s.ephemeral.increment('c', 100), 1);
  clock.advance(50);
  t.equal(await s.ephemeral.increment('c', 100), 2, 'later increments keep the first expiry');
  clock.advance(50);
  t.equal(await s.ephemeral.increment('c', 100), 1, 'expired at the first expiry');
});
