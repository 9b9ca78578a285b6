import t from 'tap'
import { RoutecraftError } from '../../src/errors.js'
import { HttpError } from '../../src/responses/http-error.js'

t.test('HttpError: the default detail for statuses without a known reason phrase', async t => {
  // 499 and 599 have no reason phrase in the table (nor in Python's http.HTTPStatus).
  t.equal(new HttpError(499).detail, 'Error', 'a 4xx without a phrase')
  t.equal(new HttpError(599).detail, 'Internal Server Error', 'a 5xx without a phrase')
  t.equal(new HttpError(500).detail, 'Internal Server Error')
  t.equal(new HttpError(429).detail, 'Too Many Requests')
  t.equal(new HttpError(499).message, 'HTTP 499', 'no string detail: a generic message')
})

t.test('HttpError: the status range is checked', async t => {
  for (const status of [399, 600, 404.5, Number.NaN]) {
    t.throws(() => new HttpError(status), { code: 'RC_ERR_RESPONSE_STATUS' }, String(status))
  }
  t.throws(() => new HttpError('404' as unknown as number), RoutecraftError)
})
