// basicAuth(): RFC 7617 parsing on the wire (never a 5xx), realm, autoError, the document,
// option misuse, and openapi({ protect }).
import t from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import { basicAuth, dependency, HttpError, openapi, route, RoutecraftError, safeCompare } from '../../src/index.js'
import type { BasicAuthOptions } from '../../src/index.js'

type Teardown = { teardown: (fn: () => unknown) => void }

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64')
const b64bytes = (bytes: number[]): string => Buffer.from(bytes).toString('base64')
const basic = (username: string, password: string): string => `Basic ${b64(`${username}:${password}`)}`

/** An app whose GET /echo echoes the credentials basicAuth(options) resolved. */
async function echoApp (t: Teardown, options?: BasicAuthOptions): Promise<FastifyInstance> {
  const app = Fastify()
  t.teardown(() => app.close())
  const security = options?.autoError === false ? basicAuth({ ...options, autoError: false }) : basicAuth(options as BasicAuthOptions & { autoError?: true })
  await app.register(route({
    method: 'GET',
    url: '/echo',
    deps: { credentials: security },
    handler: function echo ({ deps }) {
      return deps.credentials === undefined ? { anonymous: true } : { username: deps.credentials.username, password: deps.credentials.password }
    },
  }))
  await app.ready()
  return app
}

// An 8192-character header is still parsed; one more character is refused.
const longCredentials = b64(`user:${'x'.repeat(6138 - 5)}`) // 6138 bytes → 8184 base64 characters
const atLimit = `Basic ${longCredentials}  ` // 6 + 8184 + 2 = 8192

type Case = [label: string, header: string | string[] | undefined, expected: { username: string; password: string } | 401]
const cases: Case[] = [
  // valid
  ['plain credentials', basic('user', 'pw'), { username: 'user', password: 'pw' }],
  ['scheme in lower case', `basic ${b64('user:pw')}`, { username: 'user', password: 'pw' }],
  ['scheme in upper case', `BASIC ${b64('user:pw')}`, { username: 'user', password: 'pw' }],
  ['scheme in mixed case', `bAsIc ${b64('user:pw')}`, { username: 'user', password: 'pw' }],
  ['password containing ":" (split at the first)', basic('user', 'pa:ss:'), { username: 'user', password: 'pa:ss:' }],
  ['empty username', `Basic ${b64(':pw')}`, { username: '', password: 'pw' }],
  ['empty password', `Basic ${b64('user:')}`, { username: 'user', password: '' }],
  ['both empty', `Basic ${b64(':')}`, { username: '', password: '' }],
  ['UTF-8 credentials', basic('Sebastián', 'contraseña'), { username: 'Sebastián', password: 'contraseña' }],
  ['astral characters', basic('日本', '🔑'), { username: '日本', password: '🔑' }],
  ['NUL inside the decoded username', `Basic ${b64('us\0er:pw')}`, { username: 'us\0er', password: 'pw' }],
  ['two spaces after the scheme (the extra one is dropped)', `Basic  ${b64('user:pw')}`, { username: 'user', password: 'pw' }],
  ['a tab inside the base64 (dropped, as by Python\'s b64decode)', 'Basic dXNl\tcjpwdw==', { username: 'user', password: 'pw' }],
  ['a trailing NUL after the base64 (dropped)', 'Basic dXNlcjpwdw==\0', { username: 'user', password: 'pw' }],
  ['a header of exactly 8192 characters', atLimit, { username: 'user', password: 'x'.repeat(6133) }],
  // Node keeps the first of repeated Authorization headers (http's duplicate rules)
  ['a duplicated header sent as an array: the first is used', [basic('first', 'a'), basic('second', 'b')], { username: 'first', password: 'a' }],
  // not Basic at all: "missing"
  ['no header', undefined, 401],
  ['an empty header', '', 401],
  ['wrong scheme (Bearer)', 'Bearer x', 401],
  ['wrong scheme (Digest)', 'Digest username="user", realm="x"', 401],
  ['a leading space (empty scheme)', ` Basic ${b64('user:pw')}`, 401],
  ['a tab instead of the space (scheme "Basic\\t…")', `Basic\t${b64('user:pw')}`, 401],
  ['a NUL instead of the space', `Basic\0${b64('user:pw')}`, 401],
  ['"=" instead of the space', `Basic=${b64('user:pw')}`, 401],
  ['Basic-ish scheme', `Basically ${b64('user:pw')}`, 401],
  // Basic, but malformed
  ['"Basic" alone', 'Basic', 401],
  ['"Basic " and nothing', 'Basic ', 401],
  ['bad base64: "!!!"', 'Basic !!!', 401],
  ['missing padding', 'Basic dXNlcjpwdw', 401],
  ['too much padding', 'Basic dXNlcjpwdw===', 401],
  ['padding in the middle', 'Basic dXNl=cjpwdw==', 401],
  ['padding only', 'Basic ====', 401],
  ['no colon', `Basic ${b64('userpw')}`, 401],
  ['invalid UTF-8 (0xff)', `Basic ${b64bytes([0xff, 0x3a, 0x61])}`, 401],
  ['Latin-1 instead of UTF-8 (Sebasti\\xe1n)', `Basic ${Buffer.from('Sebastián:pw', 'latin1').toString('base64')}`, 401],
  ['overlong UTF-8 for ":"', `Basic ${b64bytes([0x75, 0xc0, 0xba, 0x70])}`, 401],
  ['an encoded lone surrogate (CESU-8)', `Basic ${b64bytes([0xed, 0xa0, 0x80, 0x3a, 0x70])}`, 401],
  ['a truncated multi-byte sequence', `Basic ${b64bytes([0x75, 0x3a, 0xe6, 0x97])}`, 401],
  ['a 10 KB header', `Basic ${'A'.repeat(10 * 1024)}`, 401],
  ['one character over the 8192 limit', `${atLimit} `, 401],
  ['a duplicated header sent as an array: the first is malformed', ['Basic !!!', basic('second', 'b')], 401],
]

t.test(`a table of ${cases.length} Authorization headers`, async t => {
  t.ok(cases.length >= 25)
  t.ok(cases.filter(c => c[2] === 401).length >= 20, 'at least 20 refused headers')
  const app = await echoApp(t)
  for (const [label, header, expected] of cases) {
    const res = await app.inject({ method: 'GET', url: '/echo', ...(header === undefined ? {} : { headers: { authorization: header as string } }) })
    t.ok(res.statusCode < 500, `${label}: never a 5xx`)
    if (expected === 401) {
      t.equal(res.statusCode, 401, `${label}: 401`)
      t.equal(res.headers['www-authenticate'], 'Basic', `${label}: WWW-Authenticate`)
      t.strictSame(res.json(), { detail: 'Not authenticated' }, `${label}: detail`)
    } else {
      t.equal(res.statusCode, 200, `${label}: 200`)
      t.notOk('www-authenticate' in res.headers, `${label}: no challenge`)
      t.strictSame(res.json(), expected, `${label}: credentials`)
    }
  }
})

t.test('realm: "shop" is in the challenge', async t => {
  const app = await echoApp(t, { realm: 'shop' })
  for (const header of [undefined, 'Bearer x', 'Basic !!!', `Basic ${b64('nocolon')}`]) {
    const res = await app.inject({ method: 'GET', url: '/echo', ...(header === undefined ? {} : { headers: { authorization: header as string } }) })
    t.equal(res.statusCode, 401, String(header))
    t.equal(res.headers['www-authenticate'], 'Basic realm="shop"', String(header))
    t.strictSame(res.json(), { detail: 'Not authenticated' })
  }
  const ok = await app.inject({ method: 'GET', url: '/echo', headers: { authorization: basic('a', 'b') } })
  t.equal(ok.statusCode, 200)
  t.strictSame(ok.json(), { username: 'a', password: 'b' })
})

t.test('realm with a quote and a backslash is escaped in the challenge', async t => {
  const app = await echoApp(t, { realm: 'my "shop" \\ co' })
  const res = await app.inject({ method: 'GET', url: '/echo' })
  t.equal(res.statusCode, 401)
  t.equal(res.headers['www-authenticate'], 'Basic realm="my \\"shop\\" \\\\ co"')
})

t.test('autoError: false', async t => {
  const app = await echoApp(t, { autoError: false })
  const none = await app.inject({ method: 'GET', url: '/echo' })
  t.equal(none.statusCode, 200, 'no header: the handler runs')
  t.strictSame(none.json(), { anonymous: true })

  const bearer = await app.inject({ method: 'GET', url: '/echo', headers: { authorization: 'Bearer x' } })
  t.equal(bearer.statusCode, 200, 'another scheme counts as no credentials (as in FastAPI)')
  t.strictSame(bearer.json(), { anonymous: true })

  for (const header of ['Basic !!!', 'Basic', `Basic ${b64('nocolon')}`, `Basic ${b64bytes([0xff, 0x3a])}`]) {
    const res = await app.inject({ method: 'GET', url: '/echo', headers: { authorization: header } })
    t.equal(res.statusCode, 401, `malformed ${JSON.stringify(header)}: still 401`)
    t.equal(res.headers['www-authenticate'], 'Basic')
    t.strictSame(res.json(), { detail: 'Not authenticated' })
  }

  const ok = await app.inject({ method: 'GET', url: '/echo', headers: { authorization: basic('rick', 'c137') } })
  t.equal(ok.statusCode, 200)
  t.strictSame(ok.json(), { username: 'rick', password: 'c137' })
})

t.test('autoError: false with a realm keeps the realm on a malformed header', async t => {
  const app = await echoApp(t, { autoError: false, realm: 'shop' })
  const res = await app.inject({ method: 'GET', url: '/echo', headers: { authorization: 'Basic !!!' } })
  t.equal(res.statusCode, 401)
  t.equal(res.headers['www-authenticate'], 'Basic realm="shop"')
})

// ---------------------------------------------------------------------------------------------
// The document
// ---------------------------------------------------------------------------------------------

async function documentOf (app: FastifyInstance): Promise<Record<string, any>> {
  await app.ready()
  const res = await app.inject({ method: 'GET', url: '/openapi.json' })
  if (res.statusCode !== 200) throw new Error(`/openapi.json answered ${res.statusCode}: ${res.body}`)
  return res.json()
}

t.test('two basicAuth() instances with the same schemeName share one securitySchemes entry', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(openapi())
  const first = basicAuth()
  const second = basicAuth({ realm: 'other' })
  const checked = dependency({ deps: { credentials: second }, resolve: function check_user ({ deps }) { return deps.credentials.username } })
  await app.register(route({ method: 'GET', url: '/a', deps: { c: first }, handler: function read_a () { return 'a' } }))
  await app.register(route({ method: 'GET', url: '/b', deps: { c: second }, handler: function read_b () { return 'b' } }))
  await app.register(route({ method: 'GET', url: '/both', deps: { c: first, user: checked }, handler: function read_both () { return 'both' } }))
  const doc = await documentOf(app)
  t.strictSame(doc.components.securitySchemes, { HTTPBasic: { type: 'http', scheme: 'basic' } })
  t.strictSame(doc.paths['/a'].get.security, [{ HTTPBasic: [] }])
  t.strictSame(doc.paths['/b'].get.security, [{ HTTPBasic: [] }])
  t.strictSame(doc.paths['/both'].get.security, [{ HTTPBasic: [] }], 'listed once even when used twice')
  for (const path of ['/a', '/b', '/both']) {
    t.notOk('parameters' in doc.paths[path].get, `${path}: no parameter`)
    t.strictSame(Object.keys(doc.paths[path].get.responses), ['200'], `${path}: no 401`)
  }
})

t.test('a custom schemeName and description', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(openapi())
  const staff = basicAuth({ schemeName: 'StaffBasic', description: 'Staff accounts only' })
  await app.register(route({ method: 'GET', url: '/staff', deps: { c: staff }, handler: function read_staff () { return 'ok' } }))
  await app.register(route({ method: 'GET', url: '/public', handler: function read_public () { return 'ok' } }))
  const doc = await documentOf(app)
  t.strictSame(doc.components.securitySchemes, { StaffBasic: { type: 'http', scheme: 'basic', description: 'Staff accounts only' } })
  t.strictSame(doc.paths['/staff'].get.security, [{ StaffBasic: [] }])
  t.notOk('security' in doc.paths['/public'].get, 'a route without the dependency has no security')
})

// FastAPI lists each security dependency as its own requirement object (which OpenAPI reads as
// alternatives, although both run); routecraft does the same.
t.test('two schemes on one route: one requirement object each, as FastAPI does', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(openapi())
  await app.register(route({ method: 'GET', url: '/x', deps: { a: basicAuth(), b: basicAuth({ schemeName: 'Other' }) }, handler: function read_x () { return 'x' } }))
  const doc = await documentOf(app)
  t.strictSame(Object.keys(doc.components.securitySchemes).sort(), ['HTTPBasic', 'Other'])
  t.strictSame(doc.paths['/x'].get.security, [{ HTTPBasic: [] }, { Other: [] }])
})

t.test('a route with includeInSchema: false contributes no security scheme', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(openapi())
  await app.register(route({ method: 'GET', url: '/hidden', includeInSchema: false, deps: { c: basicAuth({ schemeName: 'Hidden' }) }, handler: function hidden () { return 'h' } }))
  await app.register(route({ method: 'GET', url: '/shown', handler: function shown () { return 's' } }))
  const doc = await documentOf(app)
  t.notOk(doc.components?.securitySchemes?.Hidden, 'no dangling scheme')
  t.strictSame(Object.keys(doc.paths), ['/shown'])
})

// ---------------------------------------------------------------------------------------------
// Option misuse
// ---------------------------------------------------------------------------------------------

t.test('option misuse throws RC_ERR_AUTH_OPTION', async t => {
  const bad: Array<[string, () => unknown]> = [
    ['a realm with a newline', () => basicAuth({ realm: 'a\nb' })],
    ['a realm with a CR', () => basicAuth({ realm: 'a\rb' })],
    ['a non-ASCII realm', () => basicAuth({ realm: 'tienda ñ' })],
    ['a realm that is not a string', () => basicAuth({ realm: 42 } as never)],
    ['an unknown option', () => basicAuth({ relm: 'shop' } as never)],
    ['autoError that is not a boolean', () => basicAuth({ autoError: 'no' } as never)],
    ['an empty schemeName', () => basicAuth({ schemeName: '' })],
    ['a schemeName with a space', () => basicAuth({ schemeName: 'my scheme' })],
    ['a description that is not a string', () => basicAuth({ description: 1 } as never)],
    ['null options', () => basicAuth(null as never)],
  ]
  for (const [label, fn] of bad) {
    t.throws(fn, RoutecraftError, label)
    t.throws(fn, { code: 'RC_ERR_AUTH_OPTION' }, label)
  }
})

// ---------------------------------------------------------------------------------------------
// openapi({ protect })
// ---------------------------------------------------------------------------------------------

t.test('openapi({ protect: basicAuth() }) puts the docs and the document behind auth', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(openapi({ protect: basicAuth() }))
  await app.register(route({ method: 'GET', url: '/users/', handler: function read_users () { return ['Rick', 'Morty'] } }))
  await app.ready()
  const auth = { authorization: basic('admin', 'secret') }
  for (const url of ['/docs', '/docs/', '/openapi.json', '/docs/json']) {
    const without = await app.inject({ method: 'GET', url })
    t.equal(without.statusCode, 401, `${url} without credentials`)
    t.equal(without.headers['www-authenticate'], 'Basic', `${url}: challenge`)
    t.strictSame(without.json(), { detail: 'Not authenticated' }, `${url}: detail`)
    const malformed = await app.inject({ method: 'GET', url, headers: { authorization: 'Basic !!!' } })
    t.equal(malformed.statusCode, 401, `${url} with malformed credentials`)
    const withAuth = await app.inject({ method: 'GET', url, headers: auth })
    t.equal(withAuth.statusCode, 200, `${url} with credentials`)
  }
  const html = await app.inject({ method: 'GET', url: '/docs/', headers: auth })
  t.match(html.headers['content-type'], /^text\/html/)
  t.match(html.body, /swagger-ui/i)
  const doc = await app.inject({ method: 'GET', url: '/openapi.json', headers: auth })
  t.equal(doc.json().openapi, '3.1.0')
  t.ok(doc.json().paths['/users/'], 'the document itself')
  t.notOk(doc.json().paths['/docs'], 'the docs are not documented')
  t.notOk(doc.json().components?.securitySchemes, 'protect adds no scheme to the document')

  const api = await app.inject({ method: 'GET', url: '/users/' })
  t.equal(api.statusCode, 200, 'the API itself stays public')
  t.strictSame(api.json(), ['Rick', 'Morty'])
})

t.test('openapi({ protect }) with a checking dependency and a realm', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  const admin = dependency({
    deps: { credentials: basicAuth({ realm: 'docs' }) },
    resolve: function admin_only ({ deps }) {
      const ok = safeCompare(deps.credentials.username, 'admin') && safeCompare(deps.credentials.password, 'hunter2')
      if (!ok) throw new HttpError(401, 'Incorrect username or password', { 'WWW-Authenticate': 'Basic realm="docs"' })
      return deps.credentials.username
    },
  })
  await app.register(openapi({ protect: admin }))
  await app.ready()
  const none = await app.inject({ method: 'GET', url: '/openapi.json' })
  t.equal(none.statusCode, 401)
  t.equal(none.headers['www-authenticate'], 'Basic realm="docs"')
  t.strictSame(none.json(), { detail: 'Not authenticated' })
  for (const url of ['/openapi.json', '/docs/']) {
    const wrong = await app.inject({ method: 'GET', url, headers: { authorization: basic('admin', 'nope') } })
    t.equal(wrong.statusCode, 401, `${url}: wrong password`)
    t.equal(wrong.headers['www-authenticate'], 'Basic realm="docs"')
    t.strictSame(wrong.json(), { detail: 'Incorrect username or password' })
    const right = await app.inject({ method: 'GET', url, headers: { authorization: basic('admin', 'hunter2') } })
    t.equal(right.statusCode, 200, `${url}: right password`)
  }
})
