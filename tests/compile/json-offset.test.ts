import t from 'tap'
import fc from 'fast-check'
import { jsonErrorOffset } from '../../src/compile/json-offset.js'

t.test('offsets of typical mistakes, as Python json reports them', async t => {
  const cases: Array<[string, number]> = [
    ['{"a":}', 5],
    ['{"a":1', 6],
    ['', 0],
    ['   ', 3],
    ['[1,2,,]', 5],
    ['nul', 0],
    ['{"a" 1}', 5],
    ['{"a":1,}', 7],
    ['{a:1}', 1],
    ['{"a":1} x', 8],
    ['"abc', 4],
    ['"a\\qb"', 2],
    ['"a\\u12G4"', 2],
    ['"tab\there"', 4],
    ['[1 2]', 3],
    ['{"a":1 "b":2}', 7],
    ['-', 0],
    ['01', 1],
    ['[', 1],
    ['{', 1],
    ['{"a":[}', 6],
    ['[true, fals]', 7],
    ['{"x": {"y": [1, {"z": }]}}', 22],
    ['"a\\', 2],
    ['{}}', 2],
  ]
  for (const [text, offset] of cases) t.equal(jsonErrorOffset(text), offset, JSON.stringify(text))
})

t.test('a hostile nesting depth does not overflow the stack', async t => {
  const deep = '['.repeat(1_000_000)
  t.equal(jsonErrorOffset(deep), deep.length)
  t.equal(jsonErrorOffset('[' .repeat(500_000) + ']'.repeat(499_999) + '}'), 999_999)
})

t.test('property: the offset of broken JSON is within the text and its prefix is still valid so far', async t => {
  fc.assert(fc.property(fc.json(), fc.nat(), fc.constantFrom('}', ']', ',', ':', 'x', '"'), (json, at, junk) => {
    const cut = at % (json.length + 1)
    const text = json.slice(0, cut) + junk + json.slice(cut)
    let valid = true
    try { JSON.parse(text) } catch { valid = false }
    if (valid) return true
    const offset = jsonErrorOffset(text)
    return offset >= 0 && offset <= text.length
  }), { numRuns: 10_000 })
})
