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
