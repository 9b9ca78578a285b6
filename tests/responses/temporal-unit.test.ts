// ResponseHeaders and the cookies of a temporal response, used directly.
import t from 'tap'
import { ResponseHeaders, TemporalResponse } from '../../src/responses/temporal.js'

t.test('headers: entries() yields names as first set, values in order', async t => {
  const h = new ResponseHeaders()
  h.set('X-One', 1).append('Link', '<a>').append('link', '<b>').set('x-one', '2')
  t.same([...h.entries()], [['x-one', ['2']], ['Link', ['<a>', '<b>']]], 'set replaces the entry (and its spelling), append adds')
  t.equal(h.get('LINK'), '<a>, <b>')
  t.equal(h.size, 2)
  h.delete('X-ONE')
  t.same([...h.entries()], [['Link', ['<a>', '<b>']]])
  t.same([...new ResponseHeaders().entries()], [])
})

t.test('cookies: the list in first-set order, one per name, path and domain', async t => {
  const r = new TemporalResponse(200)
  t.same(r.cookies, [])
  t.equal(r.hasCookies, false)
  r.setCookie('a', '1')
  r.setCookie('b', '2', { path: '/x', domain: 'example.com' })
  r.setCookie('a', '3')
  r.setCookie('a', '4', { path: undefined })
  const list = r.cookies
  t.same(list.map(c => [c.key, c.name, c.value]), [
    ['a;/;', 'a', '3'],
    ['b;/x;example.com', 'b', '2'],
    ['a;;', 'a', '4'],
  ], 'no path is a different cookie from Path=/')
  t.equal(list[2]?.options.path, undefined)
  t.equal(r.hasCookies, true)
  t.not(r.cookies, list, 'a new array each time')
  r.deleteCookie('b', { path: '/x', domain: 'example.com' })
  const deleted = r.cookies[1]
  t.equal(deleted?.value, '')
  t.equal(deleted?.options.maxAge, 0)
  t.equal(deleted?.options.expires?.getTime(), 0)
})

t.test('cookies: bad values fail at the call', async t => {
  const r = new TemporalResponse(200)
  t.throws(() => r.setCookie('a', '1', { path: 'nope' }), { code: 'RC_ERR_RESPONSE_COOKIE' })
  t.throws(() => { r.status = 99 }, { code: 'RC_ERR_RESPONSE_STATUS' })
  t.throws(() => new TemporalResponse(600), { code: 'RC_ERR_RESPONSE_STATUS' })
})
