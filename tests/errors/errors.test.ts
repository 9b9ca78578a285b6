import t from 'tap'
import { RoutecraftError } from '../../src/errors.js'
import { HttpError } from '../../src/responses/http-error.js'

t.test('HttpError carries status, detail and headers', async t => {
  const e = new HttpError(401, 'nope', { 'WWW-Authenticate': 'Basic' })
  t.equal(e.status, 401)
  t.equal(e.statusCode, 401)
  t.equal(e.detail, 'nope')
  t.same(e.headers, { 'WWW-Authenticate': 'Basic' })
  t.equal(new HttpError(404).detail, 'Not Found')
  t.throws(() => new HttpError(200), RoutecraftError)
})
