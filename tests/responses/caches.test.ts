import t from 'tap'
import { TemporalResponse } from '../../src/responses/temporal.js'
import { assertCookie } from '../../src/responses/http-fields.js'

t.test('the caches of checked names stay bounded and checks still hold past them', async t => {
  const r = new TemporalResponse(200)
  for (let i = 0; i < 700; i++) {
    r.headers.set(`X-Name-${i}`, String(i))
    r.setCookie(`name${i}`, String(i))
  }
  t.equal(r.headers.get('x-name-699'), '699')
  t.equal(r.cookies.length, 700)
  // A name never seen is still checked after the caches are full.
  t.throws(() => r.headers.set('Bad Name', 'x'), { code: 'RC_ERR_RESPONSE_HEADER' })
  t.throws(() => assertCookie('bad name', 'x'), { code: 'RC_ERR_RESPONSE_COOKIE' })
  t.throws(() => assertCookie('__Secure-late', 'x'), { code: 'RC_ERR_RESPONSE_COOKIE' }, 'prefix rules apply to names past the cache')
  // A known name with a malformed value is refused.
  t.throws(() => r.setCookie('name1', '\uD800'), { code: 'RC_ERR_RESPONSE_COOKIE' })
})

t.test('media types are checked once each, and the cache stays bounded', async t => {
  const { withResponse } = await import('../../src/responses/with-response.js')
  for (let i = 0; i < 300; i++) t.equal(withResponse('x', { mediaType: `application/x-${i}` }).mediaType, `application/x-${i}`)
  t.equal(withResponse('x', { mediaType: 'application/x-1' }).mediaType, 'application/x-1', 'a cached one')
  t.throws(() => withResponse('x', { mediaType: 'text/plain\r\nX-Evil: 1' }), { code: 'RC_ERR_RESPONSE_HEADER' })
  t.throws(() => withResponse('x', { mediaType: '' }), { code: 'RC_ERR_RESPONSE_HEADER' })
})

t.test('remembered header values: only valid ones, bounded, and bad values still refused', async t => {
  const { assertHeaderValue } = await import('../../src/responses/http-fields.js')
  const wrong: number[] = []
  for (let i = 0; i < 1_200; i++) if (assertHeaderValue('X-Value', `value-${i}`) !== `value-${i}`) wrong.push(i)
  t.same(wrong, [], '1,200 distinct values, past the bound of 1,024')
  t.equal(assertHeaderValue('X-Value', 'value-3'), 'value-3', 'a remembered one')
  const long = 'v'.repeat(300)
  t.equal(assertHeaderValue('X-Value', long), long, 'a long value is checked, not remembered')
  t.equal(assertHeaderValue('X-Value', long), long)
  // A refused value is never remembered: the second call refuses it again.
  for (let i = 0; i < 2; i++) {
    t.throws(() => assertHeaderValue('X-Value', 'a\r\nSet-Cookie: x=1'), { code: 'RC_ERR_RESPONSE_HEADER' }, `CR/LF refused (call ${i + 1})`)
  }
  t.throws(() => assertHeaderValue('X-Value', `value-1${'\u0100'}`), { code: 'RC_ERR_RESPONSE_HEADER' }, 'above U+00FF refused past the bound')
})
