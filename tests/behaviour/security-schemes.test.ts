// bearerAuth(), apiKeyAuth() and securityScheme() against FastAPI 0.141.1: each case is a port of
// the FastAPI test of the same name (tests/test_security_*.py), with the same requests, the
// same answers (status, body, WWW-Authenticate) and the same document fragments
// (components.securitySchemes and the operation's security). FastAPI 0.118 moved these
// failures from 403 to 401 with a WWW-Authenticate challenge; the newest behaviour is the one
// matched here.
import t from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import {
  apiKeyAuth, bearerAuth, dependencies, dependency, HttpError, openapi, route, RoutecraftError, securityScheme, splitAuthorization,
} from '../../src/index.js'
import type { Dependency } from '../../src/index.js'
import { documentOf } from '../support/openapi.js'

type Teardown = { teardown: (fn: () => unknown) => void }

/** An app with openapi() and GET /users/me answering what `dep` resolved (as FastAPI's tests do). */
async function appWith (t: Teardown, dep: Dependency<unknown>, answer: (value: unknown) => unknown = value => value): Promise<FastifyInstance> {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(openapi())
  await app.register(route({ method: 'GET', url: '/users/me', deps: { value: dep }, handler: function read_current_user ({ deps }) { return answer(deps.value) } }))
  await app.ready()
  return app
}

/** The fragments FastAPI's tests snapshot: the scheme entries and the operation's security. */
async function fragments (app: FastifyInstance, path = '/users/me', method = 'get'): Promise<{ schemes: unknown; security: unknown; parameters: unknown }> {
  const doc = await documentOf(app)
  const op = doc.paths[path][method]
  return { schemes: doc.components?.securitySchemes, security: op.security, parameters: op.parameters }
}

const NOT_AUTHENTICATED = { detail: 'Not authenticated' }

// ---------------------------------------------------------------------------------------------
// HTTPBearer
// ---------------------------------------------------------------------------------------------

t.test('test_security_http_bearer: HTTPBearer()', async t => {
  const app = await appWith(t, bearerAuth())
  const ok = await app.inject({ url: '/users/me', headers: { authorization: 'Bearer foobar' } })
  t.equal(ok.statusCode, 200)
  t.strictSame(ok.json(), { scheme: 'Bearer', credentials: 'foobar' })
  for (const [label, headers] of [
    ['no credentials', {}],
    ['incorrect scheme', { authorization: 'Basic notreally' }],
    ['scheme without a token', { authorization: 'Bearer' }],
    ['scheme and blanks only', { authorization: 'Bearer    ' }],
    ['an empty header', { authorization: '' }],
    ['a leading space', { authorization: ' Bearer foobar' }],
  ] as const) {
    const res = await app.inject({ url: '/users/me', headers })
    t.equal(res.statusCode, 401, `${label}: 401`)
    t.strictSame(res.json(), NOT_AUTHENTICATED, `${label}: detail`)
    t.equal(res.headers['www-authenticate'], 'Bearer', `${label}: challenge`)
  }
  t.strictSame(await fragments(app), {
    schemes: { HTTPBearer: { type: 'http', scheme: 'bearer' } },
    security: [{ HTTPBearer: [] }],
    parameters: undefined,
  })
})

t.test('bearer tokens: the scheme in any case as sent, the token trimmed, split at the first space', async t => {
  const app = await appWith(t, bearerAuth())
  const cases: Array<[string, unknown]> = [
    ['bearer abc', { scheme: 'bearer', credentials: 'abc' }],
    ['BEARER abc', { scheme: 'BEARER', credentials: 'abc' }],
    ['Bearer  abc  ', { scheme: 'Bearer', credentials: 'abc' }],
    ['Bearer a b c', { scheme: 'Bearer', credentials: 'a b c' }],
    ['Bearer eyJhbGciOi.eyJzdWIi.sig-_=', { scheme: 'Bearer', credentials: 'eyJhbGciOi.eyJzdWIi.sig-_=' }],
  ]
  for (const [header, expected] of cases) {
    const res = await app.inject({ url: '/users/me', headers: { authorization: header } })
    t.strictSame(res.json(), expected, JSON.stringify(header))
  }
})

t.test('test_security_http_bearer_description and bearerFormat', async t => {
  const app = await appWith(t, bearerAuth({ description: 'HTTP Bearer token scheme', bearerFormat: 'JWT' }))
  t.strictSame(await fragments(app), {
    schemes: { HTTPBearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'HTTP Bearer token scheme' } },
    security: [{ HTTPBearer: [] }],
    parameters: undefined,
  })
})

t.test('test_security_http_bearer_optional: autoError false gives undefined', async t => {
  const app = await appWith(t, bearerAuth({ autoError: false }), v => v === undefined ? { msg: 'Create an account first' } : v)
  t.strictSame((await app.inject({ url: '/users/me', headers: { authorization: 'Bearer foobar' } })).json(), { scheme: 'Bearer', credentials: 'foobar' })
  for (const headers of [{}, { authorization: 'Basic notreally' }, { authorization: 'Bearer ' }]) {
    const res = await app.inject({ url: '/users/me', headers })
    t.equal(res.statusCode, 200)
    t.strictSame(res.json(), { msg: 'Create an account first' })
  }
  t.strictSame((await fragments(app)).schemes, { HTTPBearer: { type: 'http', scheme: 'bearer' } })
})

// ---------------------------------------------------------------------------------------------
// APIKeyHeader / APIKeyQuery / APIKeyCookie
// ---------------------------------------------------------------------------------------------

const username = (key: unknown): unknown => key === undefined ? { msg: 'Create an account first' } : { username: key }

t.test('test_security_api_key_header (+ _description)', async t => {
  const app = await appWith(t, apiKeyAuth({ in: 'header', name: 'key', description: 'An API Key Header' }), username)
  t.strictSame((await app.inject({ url: '/users/me', headers: { key: 'secret' } })).json(), { username: 'secret' })
  t.strictSame((await app.inject({ url: '/users/me', headers: { KEY: 'secret' } })).json(), { username: 'secret' }, 'header names in any case')
  t.strictSame((await app.inject({ url: '/users/me', headers: { key: ['first', 'second'] } })).json(), { username: 'first, second' }, 'a repeated header arrives joined, as Node joins it')
  for (const headers of [{}, { key: '' }, { other: 'secret' }]) {
    const res = await app.inject({ url: '/users/me', headers })
    t.equal(res.statusCode, 401)
    t.strictSame(res.json(), NOT_AUTHENTICATED)
    t.equal(res.headers['www-authenticate'], 'APIKey')
  }
  t.strictSame(await fragments(app), {
    schemes: { APIKeyHeader: { type: 'apiKey', in: 'header', name: 'key', description: 'An API Key Header' } },
    security: [{ APIKeyHeader: [] }],
    parameters: undefined,
  }, 'no header parameter is documented, as in FastAPI')
})

t.test('test_security_api_key_query (+ _optional)', async t => {
  const app = await appWith(t, apiKeyAuth({ in: 'query', name: 'key' }), username)
  t.strictSame((await app.inject({ url: '/users/me?key=secret' })).json(), { username: 'secret' })
  t.strictSame((await app.inject({ url: '/users/me?key=first&key=last' })).json(), { username: 'last' }, 'a repeated parameter: the last, as Starlette')
  t.strictSame((await app.inject({ url: '/users/me?key=a%20b' })).json(), { username: 'a b' }, 'percent-decoded')
  for (const url of ['/users/me', '/users/me?key=', '/users/me?KEY=secret']) {
    const res = await app.inject({ url })
    t.equal(res.statusCode, 401, url)
    t.equal(res.headers['www-authenticate'], 'APIKey')
  }
  t.strictSame(await fragments(app), { schemes: { APIKeyQuery: { type: 'apiKey', in: 'query', name: 'key' } }, security: [{ APIKeyQuery: [] }], parameters: undefined })

  const optional = await appWith(t, apiKeyAuth({ in: 'query', name: 'key', autoError: false }), username)
  t.strictSame((await optional.inject({ url: '/users/me?key=secret' })).json(), { username: 'secret' })
  const res = await optional.inject({ url: '/users/me' })
  t.equal(res.statusCode, 200)
  t.strictSame(res.json(), { msg: 'Create an account first' })
})

t.test('test_security_api_key_cookie (+ _optional)', async t => {
  const app = await appWith(t, apiKeyAuth({ in: 'cookie', name: 'key' }), username)
  t.strictSame((await app.inject({ url: '/users/me', headers: { cookie: 'key=secret' } })).json(), { username: 'secret' })
  t.strictSame((await app.inject({ url: '/users/me', headers: { cookie: 'a=1; key=s%20t; b=2' } })).json(), { username: 's t' })
  for (const cookie of [undefined, 'other=secret', 'key=']) {
    const res = await app.inject({ url: '/users/me', headers: cookie === undefined ? {} : { cookie } })
    t.equal(res.statusCode, 401, String(cookie))
    t.strictSame(res.json(), NOT_AUTHENTICATED)
    t.equal(res.headers['www-authenticate'], 'APIKey')
  }
  t.strictSame(await fragments(app), { schemes: { APIKeyCookie: { type: 'apiKey', in: 'cookie', name: 'key' } }, security: [{ APIKeyCookie: [] }], parameters: undefined })

  const optional = await appWith(t, apiKeyAuth({ in: 'cookie', name: 'key', autoError: false, schemeName: 'Session' }), username)
  t.strictSame((await optional.inject({ url: '/users/me' })).json(), { msg: 'Create an account first' })
  t.strictSame((await fragments(optional)).schemes, { Session: { type: 'apiKey', in: 'cookie', name: 'key' } })
})

t.test('an API key guard checked by a dependency, next to route cookies and headers', async t => {
  const key = apiKeyAuth({ in: 'header', name: 'X-API-Key' })
  const client = dependency({ deps: { key }, resolve: ({ deps }) => {
    if (deps.key !== 'k-123') throw new HttpError(403, 'Invalid API key')
    return 'partner'
  } })
  const app = await appWith(t, client)
  t.strictSame((await app.inject({ url: '/users/me', headers: { 'x-api-key': 'k-123' } })).json(), 'partner')
  const wrong = await app.inject({ url: '/users/me', headers: { 'x-api-key': 'nope' } })
  t.equal(wrong.statusCode, 403)
  t.strictSame(wrong.json(), { detail: 'Invalid API key' })
  t.strictSame((await fragments(app)).schemes, { APIKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' } }, 'the name as declared')
})

// ---------------------------------------------------------------------------------------------
// securityScheme(): OAuth2 and OpenID Connect, written by users
// ---------------------------------------------------------------------------------------------

/** FastAPI's OAuth2PasswordBearer / OAuth2AuthorizationCodeBearer resolver. */
function bearerToken (autoError: boolean) {
  return (authorization: string | undefined): string | undefined => {
    const [scheme, param] = splitAuthorization(authorization)
    if (authorization !== undefined && scheme.toLowerCase() === 'bearer') return param
    if (!autoError) return undefined
    throw new HttpError(401, 'Not authenticated', { 'WWW-Authenticate': 'Bearer' })
  }
}

t.test('test_security_oauth2_password_bearer_optional: OAuth2PasswordBearer(tokenUrl="/token", auto_error=False)', async t => {
  const scheme = securityScheme({
    schemeName: 'OAuth2PasswordBearer',
    scheme: { type: 'oauth2', flows: { password: { tokenUrl: '/token' } } },
    resolve: bearerToken(false),
  })
  const app = await appWith(t, scheme, token => token === undefined ? { msg: 'Create an account first' } : { token })
  t.strictSame((await app.inject({ url: '/users/me', headers: { authorization: 'Bearer testtoken' } })).json(), { token: 'testtoken' })
  t.strictSame((await app.inject({ url: '/users/me' })).json(), { msg: 'Create an account first' })
  t.strictSame((await app.inject({ url: '/users/me', headers: { authorization: 'Other footokenbar' } })).json(), { msg: 'Create an account first' })
  t.strictSame(await fragments(app), {
    schemes: { OAuth2PasswordBearer: { type: 'oauth2', flows: { password: { tokenUrl: '/token', scopes: {} } } } },
    security: [{ OAuth2PasswordBearer: [] }],
    parameters: undefined,
  }, 'a flow without scopes documents scopes: {} as FastAPI does')
})

t.test('test_security_oauth2_authorization_code_bearer_scopes_openapi: scopes per use, merged per scheme', async t => {
  const flows = { authorizationCode: { authorizationUrl: 'authorize', tokenUrl: 'token', scopes: { read: 'Read access', write: 'Write access' } } }
  const scheme = (scopes?: string[]): Dependency<string> => securityScheme({
    schemeName: 'OAuth2AuthorizationCodeBearer',
    scheme: { type: 'oauth2', flows },
    ...(scopes === undefined ? {} : { scopes }),
    resolve: authorization => bearerToken(true)(authorization) as string,
  })
  const plain = scheme()
  const readWrite = scheme(['read', 'write'])
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(openapi())
  await app.register(dependencies(dependency({ deps: { token: plain }, resolve: function get_token ({ deps }) { return deps.token } })))
  await app.register(route({ method: 'GET', url: '/', handler: function root () { return { message: 'Hello World' } } }))
  await app.register(route({ method: 'GET', url: '/with-oauth2-scheme', deps: { s: readWrite }, handler: function read_with_oauth2_scheme () { return { message: 'Admin Access' } } }))
  await app.register(async items => {
    await items.register(dependencies(scheme(['read'])))
    await items.register(route({ method: 'GET', url: '/items/', deps: { token: plain }, handler: function read_items ({ deps }) { return { token: deps.token } } }))
    await items.register(route({ method: 'POST', url: '/items/', deps: { token: readWrite }, handler: function create_item ({ deps }) { return { token: deps.token } } }))
  })
  await app.ready()
  for (const [method, url, body] of [['GET', '/', { message: 'Hello World' }], ['GET', '/with-oauth2-scheme', { message: 'Admin Access' }], ['GET', '/items/', { token: 'testtoken' }], ['POST', '/items/', { token: 'testtoken' }]] as const) {
    const res = await app.inject({ method, url, headers: { authorization: 'Bearer testtoken' } })
    t.equal(res.statusCode, 200, `${method} ${url}`)
    t.strictSame(res.json(), body)
    const anonymous = await app.inject({ method, url })
    t.equal(anonymous.statusCode, 401, `${method} ${url} without a token`)
    t.equal(anonymous.headers['www-authenticate'], 'Bearer')
  }
  const doc = await documentOf(app)
  t.strictSame(doc.components.securitySchemes, {
    OAuth2AuthorizationCodeBearer: { type: 'oauth2', flows: { authorizationCode: { authorizationUrl: 'authorize', tokenUrl: 'token', scopes: { read: 'Read access', write: 'Write access' } } } },
  })
  t.strictSame(doc.paths['/'].get.security, [{ OAuth2AuthorizationCodeBearer: [] }])
  t.strictSame(doc.paths['/with-oauth2-scheme'].get.security, [{ OAuth2AuthorizationCodeBearer: ['read', 'write'] }])
  t.strictSame(doc.paths['/items/'].get.security, [{ OAuth2AuthorizationCodeBearer: ['read'] }])
  t.strictSame(doc.paths['/items/'].post.security, [{ OAuth2AuthorizationCodeBearer: ['read', 'write'] }])
})

t.test('test_security_openid_connect_description: OpenIdConnect(openIdConnectUrl="/openid")', async t => {
  const oid = securityScheme({
    schemeName: 'OpenIdConnect',
    scheme: { type: 'openIdConnect', openIdConnectUrl: '/openid', description: 'OpenIdConnect security scheme' },
    resolve: authorization => {
      if (authorization === undefined) throw new HttpError(401, 'Not authenticated', { 'WWW-Authenticate': 'Bearer' })
      return authorization
    },
  })
  const app = await appWith(t, oid, v => ({ username: v }))
  t.strictSame((await app.inject({ url: '/users/me', headers: { authorization: 'Bearer footokenbar' } })).json(), { username: 'Bearer footokenbar' })
  t.strictSame((await app.inject({ url: '/users/me', headers: { authorization: 'Other footokenbar' } })).json(), { username: 'Other footokenbar' })
  const res = await app.inject({ url: '/users/me' })
  t.equal(res.statusCode, 401)
  t.strictSame(res.json(), NOT_AUTHENTICATED)
  t.equal(res.headers['www-authenticate'], 'Bearer')
  t.strictSame(await fragments(app), {
    schemes: { OpenIdConnect: { type: 'openIdConnect', openIdConnectUrl: '/openid', description: 'OpenIdConnect security scheme' } },
    security: [{ OpenIdConnect: [] }],
    parameters: undefined,
  })
})

t.test('an asynchronous resolver, and a custom http scheme', async t => {
  const digest = securityScheme({
    schemeName: 'HTTPDigest',
    scheme: { type: 'http', scheme: 'digest' },
    resolve: async authorization => {
      await Promise.resolve()
      const [scheme, credentials] = splitAuthorization(authorization)
      if (scheme.toLowerCase() !== 'digest' || credentials === '') throw new HttpError(401, 'Not authenticated', { 'WWW-Authenticate': 'Digest' })
      return { scheme, credentials }
    },
  })
  const app = await appWith(t, digest)
  t.strictSame((await app.inject({ url: '/users/me', headers: { authorization: 'Digest foobar' } })).json(), { scheme: 'Digest', credentials: 'foobar' })
  t.equal((await app.inject({ url: '/users/me' })).headers['www-authenticate'], 'Digest')
  t.strictSame((await fragments(app)).schemes, { HTTPDigest: { type: 'http', scheme: 'digest' } })
})

// ---------------------------------------------------------------------------------------------
// Pure helpers and misuse
// ---------------------------------------------------------------------------------------------

t.test('splitAuthorization is FastAPI\'s get_authorization_scheme_param', async t => {
  t.strictSame(splitAuthorization(undefined), ['', ''])
  t.strictSame(splitAuthorization(''), ['', ''])
  t.strictSame(splitAuthorization('Bearer'), ['Bearer', ''])
  t.strictSame(splitAuthorization('Bearer  abc \t'), ['Bearer', 'abc'])
  t.strictSame(splitAuthorization(' Bearer abc'), ['', 'Bearer abc'])
})

t.test('option misuse throws RC_ERR_AUTH_OPTION when the guard is declared', async t => {
  const resolve = (): string => 'x'
  const bad: Array<[string, () => unknown]> = [
    ['bearerAuth: not an object', () => bearerAuth('JWT' as never)],
    ['bearerAuth: unknown option', () => bearerAuth({ format: 'JWT' } as never)],
    ['bearerAuth: bearerFormat not a string', () => bearerAuth({ bearerFormat: 1 } as never)],
    ['bearerAuth: autoError not a boolean', () => bearerAuth({ autoError: 'no' } as never)],
    ['bearerAuth: bad schemeName', () => bearerAuth({ schemeName: 'a b' })],
    ['bearerAuth: description not a string', () => bearerAuth({ description: 1 } as never)],
    ['apiKeyAuth: no options', () => (apiKeyAuth as (o?: unknown) => unknown)()],
    ['apiKeyAuth: bad in', () => apiKeyAuth({ in: 'body', name: 'k' } as never)],
    ['apiKeyAuth: no name', () => apiKeyAuth({ in: 'header' } as never)],
    ['apiKeyAuth: empty name', () => apiKeyAuth({ in: 'query', name: '' })],
    ['apiKeyAuth: a header name with a space', () => apiKeyAuth({ in: 'header', name: 'x key' })],
    ['apiKeyAuth: unknown option', () => apiKeyAuth({ in: 'header', name: 'k', where: 'x' } as never)],
    ['securityScheme: not an object', () => securityScheme(null as never)],
    ['securityScheme: unknown option', () => securityScheme({ schemeName: 'X', scheme: { type: 'http', scheme: 'bearer' }, resolve, extra: 1 } as never)],
    ['securityScheme: no schemeName', () => securityScheme({ scheme: { type: 'http', scheme: 'bearer' }, resolve } as never)],
    ['securityScheme: no scheme', () => securityScheme({ schemeName: 'X', resolve } as never)],
    ['securityScheme: unknown type', () => securityScheme({ schemeName: 'X', scheme: { type: 'mutualTLS' }, resolve } as never)],
    ['securityScheme: http without scheme', () => securityScheme({ schemeName: 'X', scheme: { type: 'http' }, resolve } as never)],
    ['securityScheme: http scheme with a space', () => securityScheme({ schemeName: 'X', scheme: { type: 'http', scheme: 'a b' }, resolve })],
    ['securityScheme: bearerFormat not a string', () => securityScheme({ schemeName: 'X', scheme: { type: 'http', scheme: 'bearer', bearerFormat: 1 }, resolve } as never)],
    ['securityScheme: description not a string', () => securityScheme({ schemeName: 'X', scheme: { type: 'http', scheme: 'bearer', description: 1 }, resolve } as never)],
    ['securityScheme: oauth2 without flows', () => securityScheme({ schemeName: 'X', scheme: { type: 'oauth2' }, resolve } as never)],
    ['securityScheme: oauth2 with no flow', () => securityScheme({ schemeName: 'X', scheme: { type: 'oauth2', flows: {} }, resolve })],
    ['securityScheme: unknown flow', () => securityScheme({ schemeName: 'X', scheme: { type: 'oauth2', flows: { device: { tokenUrl: 't' } } }, resolve } as never)],
    ['securityScheme: flow "toString"', () => securityScheme({ schemeName: 'X', scheme: { type: 'oauth2', flows: { toString: { tokenUrl: 't' } } }, resolve } as never)],
    ['securityScheme: flow not an object', () => securityScheme({ schemeName: 'X', scheme: { type: 'oauth2', flows: { password: 'token' } }, resolve } as never)],
    ['securityScheme: password flow without tokenUrl', () => securityScheme({ schemeName: 'X', scheme: { type: 'oauth2', flows: { password: {} } }, resolve } as never)],
    ['securityScheme: refreshUrl not a string', () => securityScheme({ schemeName: 'X', scheme: { type: 'oauth2', flows: { password: { tokenUrl: 't', refreshUrl: 1 } } }, resolve } as never)],
    ['securityScheme: scopes not descriptions', () => securityScheme({ schemeName: 'X', scheme: { type: 'oauth2', flows: { password: { tokenUrl: 't', scopes: ['read'] } } }, resolve } as never)],
    ['securityScheme: apiKey in the body', () => securityScheme({ schemeName: 'X', scheme: { type: 'apiKey', in: 'body', name: 'k' }, resolve } as never)],
    ['securityScheme: apiKey query without a name', () => securityScheme({ schemeName: 'X', scheme: { type: 'apiKey', in: 'query' }, resolve } as never)],
    ['securityScheme: openIdConnect without URL', () => securityScheme({ schemeName: 'X', scheme: { type: 'openIdConnect' }, resolve } as never)],
    ['securityScheme: scopes not an array', () => securityScheme({ schemeName: 'X', scheme: { type: 'http', scheme: 'bearer' }, scopes: 'read', resolve } as never)],
    ['securityScheme: a scope not a string', () => securityScheme({ schemeName: 'X', scheme: { type: 'http', scheme: 'bearer' }, scopes: [1], resolve } as never)],
    ['securityScheme: no resolve', () => securityScheme({ schemeName: 'X', scheme: { type: 'http', scheme: 'bearer' } } as never)],
  ]
  for (const [label, fn] of bad) {
    t.throws(fn, RoutecraftError, label)
    t.throws(fn, { code: 'RC_ERR_AUTH_OPTION' }, label)
  }
})

t.test('the documented scheme is a frozen copy: later edits to the declaration change nothing', async t => {
  const flows = { password: { tokenUrl: 'token', scopes: { me: 'Me' } as Record<string, string> } }
  const scheme = { type: 'oauth2' as const, flows, description: undefined }
  const dep = securityScheme({ schemeName: 'OAuth2', scheme, resolve: a => a })
  flows.password.scopes.admin = 'Everything'
  flows.password.tokenUrl = 'elsewhere'
  const app = await appWith(t, dep)
  t.strictSame((await fragments(app)).schemes, { OAuth2: { type: 'oauth2', flows: { password: { tokenUrl: 'token', scopes: { me: 'Me' } } } } }, 'no description key, the original flow')
})
