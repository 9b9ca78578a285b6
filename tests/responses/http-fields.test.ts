import t from 'tap'
import fc from 'fast-check'
import { validateHeaderName, validateHeaderValue } from 'node:http'
import Fastify from 'fastify'
import fastifyCookie from '@fastify/cookie'
import { RoutecraftError } from '../../src/errors.js'
import {
  assertCookie,
  assertHeaderName,
  assertHeaderValue,
  cookieDefaults,
  type CookieOptions,
} from '../../src/responses/http-fields.js'

// The serializer @fastify/cookie uses when the response is sent (it loads on registration).
const app = Fastify()
await app.register(fastifyCookie)
t.teardown(() => app.close())
const serialize = (name: string, value: string, options: object | undefined): string =>
  app.serializeCookie(name, value, { ...cookieDefaults, ...options })

const nodeAccepts = (check: () => void): boolean => {
  try { check(); return true } catch { return false }
}
const accepts = (check: () => unknown): boolean => {
  try {
    check()
    return true
  } catch (error) {
    if (!(error instanceof RoutecraftError)) throw error
    return false
  }
}

// ---------------------------------------------------------------------------------------------
// Header names
// ---------------------------------------------------------------------------------------------

t.test('assertHeaderName accepts tokens', async t => {
  for (const name of ['X-Request-Id', 'content-type', 'a', "!#$%&'*+-.^_`|~09AZaz"]) {
    t.doesNotThrow(() => assertHeaderName(name), name)
  }
})

t.test('assertHeaderName refuses non-tokens and non-strings', async t => {
  for (const name of ['', 'X Request', 'X-A:', 'a\r\nb', 'a\u0000', 'caf\u00e9', '(x)', 'a"b', 'a/b', 'a@b', 'a,b', 'a;b', 'a=b']) {
    t.throws(() => assertHeaderName(name), { code: 'RC_ERR_RESPONSE_HEADER', message: /not a valid HTTP token/ }, JSON.stringify(name))
  }
  for (const name of [undefined, null, 1, ['x'], { a: 1 }]) {
    t.throws(() => assertHeaderName(name), { code: 'RC_ERR_RESPONSE_HEADER', message: /must be a string/ })
  }
  const huge = 'x '.repeat(10_000)
  const error = t.throws(() => assertHeaderName(huge)) as Error
  t.ok(error.message.length < 300, 'a huge name is not echoed in full')
})

t.test('assertHeaderName agrees with node:http on every single character', async t => {
  let checked = 0
  for (let code = 0; code <= 0xffff; code++) {
    const name = `a${String.fromCharCode(code)}`
    if (accepts(() => assertHeaderName(name)) !== nodeAccepts(() => validateHeaderName(name))) {
      t.fail(`disagreement on U+${code.toString(16)}`)
    }
    checked++
  }
  t.equal(checked, 0x10000)
})

// ---------------------------------------------------------------------------------------------
// Header values
// ---------------------------------------------------------------------------------------------

t.test('assertHeaderValue returns the value to send', async t => {
  t.equal(assertHeaderValue('X-A', 'plain'), 'plain')
  t.equal(assertHeaderValue('X-A', ''), '')
  t.equal(assertHeaderValue('X-A', 'tab\tinside'), 'tab\tinside')
  t.equal(assertHeaderValue('X-A', 'latin-1 \u00e9\u00ff'), 'latin-1 \u00e9\u00ff')
  t.equal(assertHeaderValue('X-A', 3), '3')
  t.equal(assertHeaderValue('X-A', -1.5), '-1.5')
  t.equal(assertHeaderValue('X-A', 0), '0')
})

t.test('assertHeaderValue refuses injection and forbidden characters', async t => {
  const cases: Array<[string, RegExp]> = [
    ['a\r\nSet-Cookie: x=1', /U\+000D at index 1/],
    ['a\nb', /U\+000A at index 1/],
    ['a\rb', /U\+000D/],
    ['\u0000', /U\+0000 at index 0/],
    ['bell\u0007', /U\+0007/],
    ['del\u007f', /U\+007F/],
    ['snowman \u2603', /U\+2603/],
    ['emoji 🔑', /U\+D83D/],
  ]
  for (const [value, message] of cases) {
    t.throws(() => assertHeaderValue('X-Next', value), { code: 'RC_ERR_RESPONSE_HEADER', message }, JSON.stringify(value))
    t.throws(() => assertHeaderValue('X-Next', value), { message: /header "X-Next"/ })
  }
  // The message escapes the value instead of reproducing the CR/LF.
  const error = t.throws(() => assertHeaderValue('X-Next', 'a\r\nb')) as Error
  t.match(error.message, /"a\\r\\nb"/)
  t.notMatch(error.message, /\r|\n/)
})

t.test('assertHeaderValue refuses values that are not strings or finite numbers', async t => {
  const cases: Array<[unknown, RegExp]> = [
    [undefined, /got an? undefined/],
    [null, /got null/],
    [NaN, /got NaN/],
    [Infinity, /got Infinity/],
    [1n, /got a bigint/],
    [true, /got a boolean/],
    [['a', 'b'], /got an array/],
    [{ toString: () => 'x' }, /got an object/],
    [Symbol('s'), /got a symbol/],
  ]
  for (const [value, message] of cases) {
    t.throws(() => assertHeaderValue('X-A', value), { code: 'RC_ERR_RESPONSE_HEADER', message }, String(message))
  }
})

t.test('assertHeaderValue does not echo an unbounded value', async t => {
  const value = `${'x'.repeat(100_000)}\n`
  const error = t.throws(() => assertHeaderValue('X-Big', value)) as Error
  t.ok(error.message.length < 400, `message length ${error.message.length}`)
  t.match(error.message, /index 100000/)
  t.match(error.message, /…"$/)
})

t.test('assertHeaderValue agrees with node:http on every single character', async t => {
  let checked = 0
  for (let code = 0; code <= 0xffff; code++) {
    const value = `a${String.fromCharCode(code)}b`
    if (accepts(() => assertHeaderValue('X-A', value)) !== nodeAccepts(() => validateHeaderValue('X-A', value))) {
      t.fail(`disagreement on U+${code.toString(16)}`)
    }
    checked++
  }
  t.equal(checked, 0x10000)
})

t.test('property: assertHeaderValue accepts exactly what node:http accepts', async t => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), value =>
      accepts(() => assertHeaderValue('X-A', value)) === nodeAccepts(() => validateHeaderValue('X-A', value))),
    { numRuns: 10000 },
  )
  t.pass('10000 runs')
})

// ---------------------------------------------------------------------------------------------
// Cookies
// ---------------------------------------------------------------------------------------------

t.test('cookieDefaults are Starlette\'s', async t => {
  t.strictSame(cookieDefaults, { path: '/', sameSite: 'lax' })
})

t.test('assertCookie accepts valid cookies', async t => {
  const valid: Array<[string, string, CookieOptions | undefined]> = [
    ['fakesession', 'fake-cookie-session-value', undefined],
    ['a', '', {}],
    ['session', 'any string at all: ; , " \\ é 🔑 \r\n', { httpOnly: true }],
    ['s', 'v', { ...cookieDefaults }],
    ['s', 'v', {
      path: '/admin/x y', domain: '.example.com', maxAge: 3600, expires: new Date(Date.UTC(2030, 0, 1)),
      httpOnly: true, secure: true, sameSite: 'strict', priority: 'high', signed: false, partitioned: true,
    }],
    ['s', 'v', { maxAge: 0, expires: new Date(0) }], // what deleteCookie sends
    ['s', 'v', { maxAge: -1 }],
    ['s', 'v', { sameSite: 'none', secure: true }],
    ['s', 'v', { sameSite: true }],
    ['s', 'v', { sameSite: false }],
    ['s', 'v', { priority: 'low' }],
    ['s', 'v', { priority: 'medium', signed: true }],
    ['s', 'v', { path: undefined, domain: undefined, secure: undefined }],
    ['s', 'v', { domain: 'localhost' }],
    ['s', 'v', { domain: '127.0.0.1' }],
    ['__Secure-id', 'v', { secure: true }],
    ['__Host-id', 'v', { secure: true }],
    ['__Host-id', 'v', { secure: true, path: '/' }],
    ["!#$%&'*+-.^_`|~", 'v', undefined],
  ]
  for (const [name, value, options] of valid) {
    t.doesNotThrow(() => assertCookie(name, value, options), `${name} ${JSON.stringify(options)}`)
    // …and the cookie package used by @fastify/cookie can serialise it.
    t.doesNotThrow(() => serialize(name, value, options))
  }
})

t.test('assertCookie refuses bad names', async t => {
  for (const name of ['', 'a b', 'a;b', 'a=b', 'a\tb', 'a\u0000', 'a\r\n', 'caf\u00e9', '(x)', 'a,b', 'a"b', 'a/b', 'a@b', 'a:b', 'a\u007f']) {
    t.throws(() => assertCookie(name, 'v'), { code: 'RC_ERR_RESPONSE_COOKIE', message: /must be a non-empty token/ }, JSON.stringify(name))
  }
  for (const name of [undefined, null, 1, Symbol('s')]) {
    t.throws(() => assertCookie(name, 'v'), { code: 'RC_ERR_RESPONSE_COOKIE', message: /name must be a string/ })
  }
})

t.test('assertCookie refuses bad values', async t => {
  const cases: Array<[unknown, RegExp]> = [
    [undefined, /value must be a string, got an? undefined/],
    [null, /got null/],
    [1, /got a number/],
    [{ a: 1 }, /got an object/],
    [Buffer.from('x'), /got an object/],
    ['lone \uD800 surrogate', /lone UTF-16 surrogate/],
    ['\uDC00', /lone UTF-16 surrogate/],
  ]
  for (const [value, message] of cases) {
    t.throws(() => assertCookie('c', value), { code: 'RC_ERR_RESPONSE_COOKIE', message: /cookie "c"/ })
    t.throws(() => assertCookie('c', value), { message }, String(message))
  }
  // A valid pair is fine, and encodeURIComponent (which the cookie package uses) does not throw.
  t.doesNotThrow(() => assertCookie('c', '\uD83D\uDD11'))
  t.equal(encodeURIComponent('\uD83D\uDD11'), '%F0%9F%94%91')
})

t.test('assertCookie refuses bad options', async t => {
  const cases: Array<[unknown, RegExp]> = [
    [null, /options must be an object, got null/],
    ['path=/', /options must be an object, got a string/],
    [['/'], /options must be an object, got an array/],
    [{ maxage: 3600 }, /unknown option "maxage"/],
    [{ httponly: true }, /unknown option "httponly"/],
    [{ encode: String }, /unknown option "encode"/],
    [{ path: 1 }, /path must be a string, got a number/],
    [{ path: '' }, /must start with "\/"/],
    [{ path: 'admin' }, /must start with "\/"/],
    [{ path: '/a;b' }, /path "\/a;b"/],
    [{ path: '/a\nb' }, /path/],
    [{ path: '/\u0000' }, /path/],
    [{ path: '/caf\u00e9' }, /path/],
    [{ path: '/a<b' }, /path/],
    [{ domain: 1 }, /domain must be a string/],
    [{ domain: '' }, /must be a host name/],
    [{ domain: 'example.com;x' }, /must be a host name/],
    [{ domain: 'exa mple.com' }, /must be a host name/],
    [{ domain: 'example.com\r\n' }, /must be a host name/],
    [{ domain: 'ex\u00e4mple.com' }, /must be a host name/],
    [{ domain: 'example.com:8080' }, /must be a host name/],
    [{ domain: 'example.com.' }, /must be a host name/],
    [{ maxAge: 1.5 }, /maxAge must be an integer number of seconds, got 1.5/],
    [{ maxAge: NaN }, /got NaN/],
    [{ maxAge: Infinity }, /got Infinity/],
    [{ maxAge: 2 ** 53 }, /maxAge/],
    [{ maxAge: '60' }, /maxAge must be an integer number of seconds, got a string/],
    [{ expires: new Date(NaN) }, /expires must be a valid Date/],
    [{ expires: new Date(Date.UTC(10000, 0, 1)) }, /between the years 1601 and 9999/],
    [{ expires: new Date(Date.UTC(1600, 0, 1)) }, /between the years 1601 and 9999/],
    [{ expires: 0 }, /expires must be a Date, got a number/],
    [{ expires: '2030-01-01' }, /expires must be a Date, got a string/],
    [{ httpOnly: 'yes' }, /httpOnly must be a boolean, got a string/],
    [{ secure: 'auto' }, /secure must be a boolean/],
    [{ partitioned: 1, secure: true }, /partitioned must be a boolean/],
    [{ signed: null }, /signed must be a boolean, got null/],
    [{ sameSite: 'Lax' }, /sameSite must be 'lax', 'strict', 'none' or a boolean, got "Lax"/],
    [{ sameSite: 'none-ish', secure: true }, /got "none-ish"/],
    [{ sameSite: 1 }, /sameSite .* got a number/],
    [{ priority: 'urgent' }, /priority must be 'low', 'medium' or 'high', got "urgent"/],
    [{ priority: 1 }, /priority .* got a number/],
    [{ sameSite: 'none' }, /sameSite: 'none' needs secure: true/],
    [{ sameSite: 'none', secure: false }, /needs secure: true/],
    [{ partitioned: true }, /partitioned needs secure: true/],
    [{ partitioned: true, secure: false }, /partitioned needs secure: true/],
  ]
  for (const [options, message] of cases) {
    t.throws(() => assertCookie('c', 'v', options as CookieOptions), { code: 'RC_ERR_RESPONSE_COOKIE', message }, JSON.stringify(options) ?? String(options))
  }
})

t.test('assertCookie enforces the __Secure- and __Host- prefixes', async t => {
  t.throws(() => assertCookie('__Secure-id', 'v'), { message: /__Secure- cookie needs secure: true/ })
  t.throws(() => assertCookie('__secure-id', 'v', {}), { message: /__Secure- cookie needs secure: true/ })
  t.throws(() => assertCookie('__Host-id', 'v', { secure: false }), { message: /__Host- cookie needs secure: true/ })
  t.throws(() => assertCookie('__Host-id', 'v', { secure: true, domain: 'example.com' }), { message: /cannot have a domain/ })
  t.throws(() => assertCookie('__HOST-id', 'v', { secure: true, path: '/admin' }), { message: /needs path "\/"/ })
})

t.test('error messages do not echo unbounded input', async t => {
  const long = 'x'.repeat(50_000)
  for (const check of [
    () => assertCookie(`${long} `, 'v'),
    () => assertCookie('c', 'v', { path: `/${long};` }),
    () => assertCookie('c', 'v', { domain: `${long};` }),
    () => assertCookie('c', 'v', { [long]: 1 } as CookieOptions),
    () => assertCookie('c', 'v', { sameSite: long } as unknown as CookieOptions),
  ]) {
    const error = t.throws(check) as Error
    t.ok(error.message.length < 400, `message length ${error.message.length}`)
  }
})

t.test('property: whatever assertCookie accepts, @fastify/cookie can serialise', async t => {
  // Mostly plausible input, with a share of hostile characters, so that many runs get through
  // assertCookie and reach the serializer.
  const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map(c => String.fromCharCode(c)) })
  const hostile = fc.string({ unit: 'binary-ascii' })
  const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>): fc.Arbitrary<T | U> =>
    fc.oneof({ arbitrary: good, weight: 4 }, { arbitrary: bad, weight: 1 })
  const name = mostly(fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,12}$/), hostile)
  const options = fc.record({
    path: mostly(printable.map(p => `/${p}`), hostile),
    domain: mostly(fc.domain(), hostile),
    maxAge: mostly(fc.integer(), fc.double()),
    expires: mostly(fc.date({ min: new Date(Date.UTC(1601, 0, 1)), max: new Date(Date.UTC(9999, 11, 31)) }), fc.date({ noInvalidDate: false })),
    httpOnly: fc.boolean(),
    secure: fc.boolean(),
    sameSite: fc.constantFrom('lax', 'strict', 'none', true, false),
    partitioned: fc.boolean(),
    priority: fc.constantFrom('low', 'medium', 'high'),
  }, { requiredKeys: [] })
  let accepted = 0
  let acceptedWithPath = 0
  let acceptedWithDomain = 0
  fc.assert(
    fc.property(name, fc.string({ unit: 'binary' }), options, (cookieName, value, opts) => {
      if (!accepts(() => assertCookie(cookieName, value, opts as CookieOptions))) return true
      serialize(cookieName, value, opts)
      accepted++
      if (opts.path !== undefined && opts.path.length > 1) acceptedWithPath++
      if (opts.domain !== undefined) acceptedWithDomain++
      return true
    }),
    { numRuns: 10000 },
  )
  t.comment({ accepted, acceptedWithPath, acceptedWithDomain })
  // The property says nothing unless a fair share of the runs got past assertCookie.
  t.ok(accepted > 500 && acceptedWithPath > 100 && acceptedWithDomain > 100, 'enough accepted cookies were serialised')
})
