import t from 'tap'
import { memoryReplayStore } from '../../src/webhooks/replay-store.js'

t.test('entries expire after their TTL', async t => {
  let now = 1_000
  const store = memoryReplayStore({ now: () => now })
  t.equal(store.has('a'), false)
  await store.add('a', 100)
  t.equal(store.has('a'), true)
  now = 1_099
  t.equal(store.has('a'), true)
  now = 1_100
  t.equal(store.has('a'), false, 'gone at its expiry')
  t.equal(store.has('a'), false, 'and stays gone')
})

t.test('addIfAbsent records and answers whether the id was new, in one step', async t => {
  let now = 0
  const store = memoryReplayStore({ now: () => now })
  t.equal(store.addIfAbsent!('x', 10), true)
  t.equal(store.addIfAbsent!('x', 10), false)
  now = 10
  t.equal(store.addIfAbsent!('x', 10), true, 'new again once expired')
})

t.test('add sweeps expired entries and the size stays bounded', async t => {
  let now = 0
  const store = memoryReplayStore({ maxEntries: 3, now: () => now })
  for (const id of ['a', 'b', 'c', 'd']) store.add(id, 1_000)
  t.equal(store.has('a'), false, 'the oldest is dropped beyond maxEntries')
  t.ok(['b', 'c', 'd'].every(id => store.has(id)))
  store.add('b', 1_000)
  store.add('e', 1_000)
  t.equal(store.has('c'), false, 're-adding moves an id to the back, so c was the oldest')
  t.ok(['b', 'd', 'e'].every(id => store.has(id)))
  now = 1_000
  store.add('f', 5)
  now = 1_004
  t.ok(store.has('f'), 'expired entries were swept rather than evicting f')
  t.ok(['b', 'd', 'e'].every(id => !store.has(id)))
})

t.test('maxEntries must be a positive integer', async t => {
  for (const maxEntries of [0, -1, 1.5, Number.NaN]) {
    t.throws(() => memoryReplayStore({ maxEntries }), { code: 'RC_ERR_WEBHOOK_OPTION' }, String(maxEntries))
  }
  const store = memoryReplayStore()
  store.add('real-clock', 60_000)
  t.equal(store.has('real-clock'), true, 'the default clock is Date.now')
})
