/**
 * The HTTP rules several rooms share: the token grammar, status ranges, bodiless statuses.
 */
import t from 'tap'
import { validateHeaderName } from 'node:http'
import fc from 'fast-check'
import { HTTP_TOKEN, hasNoBody, isStatus } from '../../src/common/http.js'

t.test('HTTP_TOKEN accepts exactly what node:http accepts as a header name', async t => {
  t.ok(HTTP_TOKEN.test("x-a!#$%&'*+.^_`|~09AZaz"))
  for (const bad of ['', 'a b', 'a:b', 'a\r', 'ä', 'a(b)', 'a"b', 'a,b', 'a/b', 'a@b']) t.notOk(HTTP_TOKEN.test(bad), JSON.stringify(bad))
  fc.assert(fc.property(fc.string({ maxLength: 8, unit: 'binary-ascii' }), s => {
    let node = true
    try { validateHeaderName(s) } catch { node = false }
    return HTTP_TOKEN.test(s) === node
  }), { numRuns: 2000 })
})

t.test('isStatus: an integer from the given floor to 599', async t => {
  t.ok(isStatus(100))
  t.ok(isStatus(599))
  t.notOk(isStatus(99))
  t.notOk(isStatus(600))
  t.notOk(isStatus(200.5))
  t.notOk(isStatus('200'))
  t.notOk(isStatus(Number.NaN))
  t.notOk(isStatus(199, 200), 'a final status starts at 200')
  t.ok(isStatus(200, 200))
  t.notOk(isStatus(399, 400), 'an error status starts at 400')
  t.ok(isStatus(400, 400))
})

t.test('hasNoBody: 1xx, 204 and 304', async t => {
  t.same([100, 101, 199, 204, 304].map(hasNoBody), [true, true, true, true, true])
  t.same([200, 201, 205, 301, 404, 500].map(hasNoBody), [false, false, false, false, false, false])
})
