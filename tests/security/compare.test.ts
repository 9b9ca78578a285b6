import t from 'tap'
import fc from 'fast-check'
import { safeCompare } from '../../src/security/compare.js'

t.test('equal and unequal strings', async t => {
  t.equal(safeCompare('swordfish', 'swordfish'), true)
  t.equal(safeCompare('swordfish', 'swordfisH'), false)
  t.equal(safeCompare('swordfish', 'Swordfish'), false)
  t.equal(safeCompare('stanleyjobson', 'stanleyjobsox'), false)
})

t.test('different lengths', async t => {
  t.equal(safeCompare('swordfish', 'swordfish2'), false)
  t.equal(safeCompare('swordfish2', 'swordfish'), false)
  t.equal(safeCompare('a', 'a'.repeat(10_000)), false)
  t.equal(safeCompare('', 'x'), false)
  t.equal(safeCompare('x', ''), false)
})

t.test('empty strings', async t => {
  t.equal(safeCompare('', ''), true)
})

t.test('non-ASCII', async t => {
  t.equal(safeCompare('Sebastián', 'Sebastián'), true)
  t.equal(safeCompare('Sebastián', 'Sebastian'), false)
  // Same text, different Unicode normalisation: different strings, so not equal (like ===).
  t.equal(safeCompare('Sebasti\u00e1n', 'Sebastia\u0301n'), false)
  t.equal(safeCompare('🔑🔑', '🔑🔑'), true)
  t.equal(safeCompare('🔑', '🔒'), false)
})

t.test('lone surrogates are compared exactly, not as U+FFFD', async t => {
  // UTF-8 would encode both as EF BF BD and call them equal.
  t.equal(safeCompare('\uD800', '\uDBFF'), false)
  t.equal(safeCompare('x\uDC00', 'x\uFFFD'), false)
  t.equal(safeCompare('x\uDC00', 'x\uDC00'), true)
})

t.test('non-string input fails closed', async t => {
  const compare = safeCompare as (a: unknown, b: unknown) => boolean
  t.equal(compare(undefined, undefined), false)
  t.equal(compare(null, null), false)
  t.equal(compare('1', 1), false)
  t.equal(compare(1, '1'), false)
  t.equal(compare(Buffer.from('a'), 'a'), false)
  const secret = { toString: () => 's' }
  t.equal(compare(secret, secret), false)
})

t.test('property: agrees with === (full Unicode)', async t => {
  const text = fc.string({ unit: 'binary' })
  fc.assert(
    fc.property(
      fc.oneof(
        fc.tuple(text, text),
        text.map(s => [s, s] as const), // equal pairs are rare otherwise
        fc.tuple(text, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })).map(([s, c]) => [s, s + c] as const),
      ),
      ([a, b]) => safeCompare(a, b) === (a === b),
    ),
    { numRuns: 10000 },
  )
  t.pass('10000 runs')
})

t.test('property: agrees with === (any UTF-16 code units, lone surrogates included)', async t => {
  const unit = fc.integer({ min: 0, max: 0xffff }).map(code => String.fromCharCode(code))
  const text = fc.string({ unit, maxLength: 4 })
  fc.assert(
    fc.property(text, text, (a, b) => safeCompare(a, b) === (a === b)),
    { numRuns: 10000 },
  )
  t.pass('10000 runs')
})
