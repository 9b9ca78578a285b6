// Shared by the hostile-input tests (not a test file itself: tap only runs *.test.ts).
//
// The hostile requests: table-driven cases plus fast-check samples drawn from a seed, so a
// failure can be replayed with HOSTILE_SEED=<seed>.
import fc from 'fast-check'
import type { InjectOptions } from 'fastify'
import { parseBasicAuthorization } from '../../src/index.js'
import { MAX_YAML_BYTES } from '../../playground/seed/openapi_yaml_body.js'
import { request, type Method, type RouteSpec } from './hostile-apps.js'

export interface Hostile {
  readonly label: string
  readonly req: InjectOptions
  /** The exact statuses allowed; default: the route's documented 2xx or any 4xx. */
  readonly expect?: readonly number[]
}

const b64 = (bytes: string | number[]): string => Buffer.from(bytes as string).toString('base64')

// ---------------------------------------------------------------------------------------------
// Authorization
// ---------------------------------------------------------------------------------------------

/** Malformed and oversized Authorization headers (the header value, or several). */
export function authorizationValues (seed: number): Array<string | string[]> {
  const table: Array<string | string[]> = [
    '', ' ', 'Basic', 'Basic ', 'basic    ', 'Basic !!!!', 'Basic YQ', 'Basic YQ=', 'Basic ====', 'Basic =YWJj',
    `Basic ${b64('nocolon')}`, `Basic ${b64([0x61, 0x3a, 0xff])}`, `Basic ${b64([0x61, 0x3a, 0xc0, 0xaf])}`,
    `Basic ${b64([0x61, 0x3a, 0xed, 0xa0, 0x80])}`, `Basic ${b64('stanleyjobson:wrong')}`, `Basic ${b64(':')}`,
    `Basic\t${b64('a:b')}`, ` Basic ${b64('a:b')}`, `Basicx ${b64('a:b')}`, 'Bearer abc', 'Digest username="a"',
    `Basic ${b64('\u0000:\u0000')}`, `Basic ${b64('__proto__:constructor')}`, 'Basic é', 'Basic \u00a0YTpi',
    `Basic ${'A'.repeat(8_190)}==`, `Basic ${'A'.repeat(100_000)}`, `Bearer ${'x'.repeat(100_000)}`,
    [`Basic ${b64('a:b')}`, `Basic ${b64('c:d')}`],
  ]
  const random = fc.sample(fc.oneof(
    fc.string({ unit: 'binary-ascii', maxLength: 40 }).map(s => `Basic ${s}`),
    fc.uint8Array({ maxLength: 40 }).map(bytes => `Basic ${Buffer.from(bytes).toString('base64')}`),
    fc.string({ unit: fc.constantFrom(...'ABCabc019+/= :-_'.split('')), maxLength: 30 }).map(s => `basic ${s}`),
  ), { seed, numRuns: 12 })
  // Header values must be latin-1 without CR/LF/NUL to be sendable at all.
  return [...table, ...random.map(v => v.replace(/[\r\n\0]/g, ''))]
}

// ---------------------------------------------------------------------------------------------
// Cookies
// ---------------------------------------------------------------------------------------------

export const manyCookies = Array.from({ length: 5_000 }, (_, i) => `c${i}=v${i}`).join('; ')

export function cookieValues (seed: number): string[] {
  const table = [
    'a=1; a=2; a=3', '__proto__=polluted', '__proto__={"polluted":1}; constructor=x; prototype=y',
    '__proto__=%7B%22polluted%22%3A1%7D', 'toString=1; hasOwnProperty=2; valueOf=3', 'a=%E0%A4%A', 'a=%', 'a=%%', 'a=%ZZ',
    '%E0%A4%A=1', '\u00a0name=v', '\u00a0__proto__=x', 'a="quoted"', 'a="unterminated', 'a=""', '=', ';;;;', '=;=;=', 'a',
    'a=b=c=d', ' a = b ; c = d ', `big=${'x'.repeat(50_000)}`, manyCookies, 'fakesession=\u00ff\u00fe',
  ]
  const random = fc.sample(
    fc.array(fc.tuple(
      fc.oneof(fc.constantFrom('__proto__', 'constructor', 'a', '\u00a0a', '%00', ''), fc.string({ unit: 'binary-ascii', maxLength: 6 })),
      fc.string({ unit: 'binary-ascii', maxLength: 10 }),
    ), { maxLength: 6 }).map(pairs => pairs.map(([k, v]) => `${k}=${v}`).join('; ')),
    { seed, numRuns: 6 })
  return [...table, ...random.map(v => v.replace(/[\r\n\0]/g, ''))]
}

// ---------------------------------------------------------------------------------------------
// Bodies
// ---------------------------------------------------------------------------------------------

/** Puts `__proto__` or `constructor.prototype` at a random depth of a random JSON value. */
function poisonedJson (): fc.Arbitrary<string> {
  const poison = fc.constantFrom(
    '"__proto__":{"polluted":"yes"}',
    '"constructor":{"prototype":{"polluted":"yes"}}',
    '"__proto__":[1,2]',
    '"__proto__":null',
    '"\\u005f_proto__":{"polluted":"yes"}',
  )
  return fc.tuple(fc.nat(6), poison, fc.constantFrom('object', 'array')).map(([depth, p, wrap]) => {
    let text = `{"name":"x","price":1,"tags":[],${p}}`
    for (let i = 0; i < depth; i++) text = wrap === 'object' ? `{"k${i}":${text},"name":"x","price":1}` : `[${text}]`
    return text
  })
}

export function poisonedBodies (seed: number): string[] {
  return [
    '{"__proto__":{"polluted":"yes"}}',
    '{"name":"x","price":1,"tags":[],"__proto__":{"polluted":"yes"}}',
    '{"constructor":{"prototype":{"polluted":"yes"}}}',
    '{"name":"x","price":1,"tags":[],"title":"t","timestamp":"2024-01-01T00:00:00Z","item_ids":["a"],"a":{"b":{"c":{"__proto__":{"polluted":"yes"}}}}}',
    ...fc.sample(poisonedJson(), { seed, numRuns: 8 }),
  ]
}

/** Bodies a JSON route must answer 422 (the DESIGN's body rules). */
export function brokenBodies (route: RouteSpec, seed: number): Array<[string, string]> {
  const valid = JSON.stringify(route.body)
  const cuts = fc.sample(fc.integer({ min: 1, max: valid.length - 1 }), { seed, numRuns: 5 })
  return [
    ['empty', ''], ['null', 'null'], ['empty array', '[]'], ['array of the body', `[${valid}]`], ['string', '"x"'],
    ['number', '0'], ['true', 'true'], ['whitespace', ' \n\t '],
    ['a lone brace', '{'], ['deep nesting', '['.repeat(100_000)], ['nested objects', '{"a":'.repeat(20_000)],
    ...cuts.map((at): [string, string] => [`truncated at ${at}`, valid.slice(0, at)]),
  ]
}

/** Content types a body may be sent with; every one is a 2xx or a 4xx, never a 5xx. */
export const contentTypes = [
  'APPLICATION/JSON', 'Application/Json; Charset=UTF-8', 'application/json; charset=utf-8', 'application/json;;',
  'application/json;', ';application/json', ' application/json', '\tapplication/json', 'application/json\t',
  'application/json ; charset=latin1', 'application/json; charset=utf-16', 'application/json; a="b;c"',
  'application/vnd.api+json', 'application/problem+json; x=y', 'application/x-www-form-urlencoded',
  'multipart/form-data', 'multipart/form-data; boundary=', 'text/plain', 'text/json', 'application/', '*/*', ';', ',',
  'application/json, text/plain', 'application/x-yaml', 'application/octet-stream', '\u00e9/\u00e9',
]

/** Non-UTF-8 and other byte-level payloads. */
export const byteBodies: Array<[string, Buffer]> = [
  ['0xff 0xfe', Buffer.from([0xff, 0xfe, 0xfd])],
  ['latin-1 in a JSON string', Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xe9, 0xff]), Buffer.from('","price":1,"tags":[]}')])],
  ['overlong slash', Buffer.from([0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x3a, 0x31, 0x7d])],
  ['UTF-16LE JSON', Buffer.from('{"name":"x","price":1,"tags":[]}', 'utf16le')],
  ['lone surrogate bytes', Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('","price":1}')])],
  ['NUL bytes', Buffer.from('{"name":"\0","price":1,"tags":[]}\0\0')],
  ['random bytes', Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 7919 + 13) % 256))],
]

// ---------------------------------------------------------------------------------------------
// URLs
// ---------------------------------------------------------------------------------------------

/** Path parameter values, already percent-encoded as they go in the URL. */
export const pathValues = [
  '%2F', 'a%2Fb', '%2F..%2F..%2Fetc%2Fpasswd', '%00', 'a%00b', '%E0%A4%A', '%', '%%', '%ZZ', '%FF', '%C0%AF',
  '..', '%2E%2E', '__proto__', 'constructor', 'hasOwnProperty', '%20', '%0D%0ASet-Cookie:%20x=y', 'x'.repeat(10_000),
  '%F0%9F%98%80', ';a=b', 'a%3Fb%23c',
]

export const longUrlLength = 100_000

// ---------------------------------------------------------------------------------------------
// Putting it together
// ---------------------------------------------------------------------------------------------

const allMethods: readonly Method[] = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']

function withHeaders (route: RouteSpec, headers: Record<string, string | string[]>): InjectOptions {
  const base = request(route)
  return { ...base, headers: { ...(base.headers as Record<string, string>), ...headers } }
}

function withBody (route: RouteSpec, payload: string | Buffer, contentType: string | undefined): InjectOptions {
  const base = request(route)
  const headers = { ...(base.headers as Record<string, string>) }
  delete headers['content-type']
  if (contentType !== undefined) headers['content-type'] = contentType
  return { method: route.method, url: route.url, headers, payload }
}

/**
 * The hostile requests for one route. `authRoute`: malformed credentials must be 401 (the
 * route needs Basic credentials). `methodsOfUrl`: the methods served at this url.
 */
export function hostileFor (route: RouteSpec, seed: number, methodsOfUrl: ReadonlySet<string>): Hostile[] {
  const out: Hostile[] = []
  const authRoute = route.headers?.authorization !== undefined

  // Authorization: on routes that need credentials a malformed header is exactly 401, and so
  // are well-formed wrong credentials where the route checks them. (Of a repeated header, the
  // HTTP layer keeps the first, as node:http does for Authorization.)
  for (const value of authorizationValues(seed)) {
    const label = `Authorization ${JSON.stringify(value).slice(0, 60)}`
    const parsed = parseBasicAuthorization(Array.isArray(value) ? value[0] : value)
    const expect = !authRoute
      ? undefined
      : parsed.kind === 'invalid' || (parsed.kind === 'missing' && route.auth !== 'optional') || (parsed.kind === 'ok' && route.auth === 'checked')
        ? [401]
        : route.ok
    out.push({ label, req: withHeaders(route, { authorization: value }), ...(expect === undefined ? {} : { expect }) })
  }

  for (const value of cookieValues(seed)) {
    out.push({ label: `Cookie ${JSON.stringify(value).slice(0, 60)}`, req: withHeaders(route, { cookie: value }) })
  }
  out.push({ label: 'two Cookie headers', req: withHeaders(route, { cookie: ['a=1', '__proto__=x'] }) })

  out.push({ label: 'a BOM before the body', req: withBody(route, `\ufeff${typeof route.body === 'string' ? route.body : JSON.stringify(route.body ?? {})}`, route.contentType ?? 'application/json') })

  // Bodies, on every route: routes that declare none must ignore them.
  for (const body of poisonedBodies(seed)) {
    out.push({
      label: `poisoned JSON ${body.slice(0, 60)}`,
      req: withBody(route, body, 'application/json'),
      // A JSON route refuses poisoned keys with 400 before anything else looks at the body.
      ...(route.json === true ? { expect: [400] } : {}),
    })
  }
  if (route.body !== undefined) {
    const valid = typeof route.body === 'string' ? route.body : JSON.stringify(route.body)
    if (route.json === true) {
      for (const [label, body] of brokenBodies(route, seed)) {
        out.push({ label: `body: ${label}`, req: withBody(route, body, 'application/json'), expect: [422] })
      }
      out.push({ label: 'a valid body without a content type', req: withBody(route, valid, undefined), expect: [422] })
      out.push({ label: 'a body over the 1 MiB limit', req: withBody(route, `{"name":"${'x'.repeat(1_100_000)}"}`, 'application/json'), expect: [413] })
    } else {
      for (const [label, body] of brokenBodies({ ...route, body: { name: 'x', price: 1 } }, seed)) {
        out.push({ label: `body: ${label}`, req: withBody(route, body, route.contentType ?? 'application/json') })
      }
    }
    for (const type of contentTypes) {
      out.push({ label: `Content-Type ${JSON.stringify(type)}`, req: withBody(route, valid, type) })
    }
    for (const [label, bytes] of byteBodies) {
      out.push({ label: `bytes: ${label}`, req: withBody(route, bytes, route.contentType ?? 'application/json') })
    }
  }

  // URLs: long paths and queries, hostile path parameters.
  const [path, query = ''] = route.url.split('?') as [string, string?]
  out.push({ label: 'a 100 KB query string', req: { ...request(route), url: `${path}?${query === '' ? '' : `${query}&`}${'q=x&'.repeat(longUrlLength / 4)}` } })
  out.push({ label: 'a query with hostile keys', req: { ...request(route), url: `${path}?__proto__[polluted]=1&constructor[prototype][polluted]=1&a=%E0%A4%A&b=%&c=%00&skip=-1&limit=1e999&tag=%FF` } })
  out.push({ label: 'a 100 KB path', req: { ...request(route), url: `${path}${'a'.repeat(longUrlLength)}` } })
  if (route.template !== undefined) {
    for (const value of pathValues) {
      out.push({ label: `path parameter ${value.slice(0, 40)}`, req: { ...request(route), url: route.template.replace('%P%', value) } })
    }
  }

  // Methods the url does not have: a 404 or a 405, never a 5xx (OPTIONS may be CORS's 204).
  for (const method of allMethods) {
    if (methodsOfUrl.has(method) || (method === 'OPTIONS' && methodsOfUrl.has('CORS'))) continue
    out.push({ label: `method ${method}`, req: { method, url: route.url, headers: route.headers ?? {} }, expect: [404, 405] })
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// YAML
// ---------------------------------------------------------------------------------------------

const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
for (let i = 1; i < 10; i++) {
  const prev = String.fromCharCode(96 + i)
  const next = String.fromCharCode(97 + i)
  laughs.push(`${next}: &${next} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`)
}

/** YAML bombs, tags and other oddities, with the statuses the YAML seed documents. */
export const yamlCases: Array<[string, string | Buffer, readonly number[]]> = [
  ['billion laughs', `${laughs.join('\n')}\nname: x\ntags: *j\n`, [422]],
  ['aliases used 1000 times', `name: &n x\ntags: [${Array.from({ length: 1000 }, () => '*n').join(',')}]\n`, [422]],
  ['a cyclic alias', 'name: x\ntags: &t [*t]\n', [422]],
  // Cycles anywhere: in a declared field, an undeclared one, through maps, at the root.
  ['a cyclic alias in an undeclared field', 'name: x\ntags: []\nextra: &e [*e]\n', [422]],
  ['a cyclic alias through a map', 'name: x\ntags: []\nextra: &e {self: *e}\n', [422]],
  ['a cyclic alias two levels down', 'name: x\ntags: &t [[a, [*t]]]\n', [422]],
  ['a cyclic alias in a flow map', 'name: &n {n: *n}\ntags: []\n', [422]],
  ['a cyclic root', '&r\nname: x\ntags: []\nself: *r\n', [422]],
  ['an alias to a sibling (no cycle)', 'name: &n x\ntags: [*n]\n', [200]],
  ['deep flow nesting', `name: x\ntags: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`, [422]],
  ['deep block nesting', Array.from({ length: 150 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n'), [422]],
  ['!!python/object/apply', 'name: !!python/object/apply:os.system ["echo pwned"]\ntags: []\n', [422]],
  ['!!python/name', 'name: !!python/name:os.system\ntags: []\n', [422]],
  ['!!js/function', 'name: !!js/function "function(){ return 1 }"\ntags: []\n', [422]],
  ['!!js/undefined', 'name: x\ntags: !!js/undefined ""\n', [422]],
  ['a verbatim tag', 'name: !<tag:yaml.org,2002:python/object:x> {}\ntags: []\n', [422]],
  ['a custom tag', 'name: !custom x\ntags: []\n', [422]],
  ['!!binary name', 'name: !!binary aGVsbG8=\ntags: []\n', [422]],
  ['__proto__ key', 'name: x\ntags: []\n__proto__:\n  polluted: yes\n', [200]],
  ['__proto__ merge key', 'base: &b\n  __proto__: {polluted: yes}\nitem:\n  <<: *b\nname: x\ntags: []\n', [200, 422]],
  ['constructor.prototype', 'name: x\ntags: []\nconstructor:\n  prototype:\n    polluted: yes\n', [200]],
  ['duplicate keys', 'name: x\nname: y\ntags: []\n', [422]],
  ['two documents', 'name: x\ntags: []\n---\nname: y\ntags: []\n', [422]],
  ['a tab indent', 'name: x\ntags:\n\t- a\n', [422]],
  ['invalid UTF-8', Buffer.concat([Buffer.from('name: '), Buffer.from([0xff, 0xfe]), Buffer.from('\ntags: []\n')]), [422]],
  ['a BOM', '\ufeffname: x\ntags: []\n', [200, 422]],
  ['an empty body', '', [422]],
  ['a null document', '~', [422]],
  ['a scalar', 'just a string', [422]],
  ['a list', '- name: x\n  tags: []\n', [422]],
  ['JSON as YAML', '{"name": "x", "tags": ["a"]}', [200]],
  ['a complex key', '? [a, b]\n: c\nname: x\ntags: []\n', [422]],
  ['one byte over the size limit', `name: ${'x'.repeat(MAX_YAML_BYTES - 15)}\ntags: []\n`, [413]],
  ['token-dense, just under the limit', `name: x\ntags: [${'a,'.repeat((MAX_YAML_BYTES - 30) / 2)}a]\n`, [200]],
  ['many keys, just under the limit', `name: x\ntags: []\n${Array.from({ length: Math.floor((MAX_YAML_BYTES - 30) / 10) }, (_, i) => `k${String(i).padStart(5, '0')}: 1`).join('\n')}\n`, [200]],
  ['many short documents', '---\n'.repeat((MAX_YAML_BYTES - 30) / 4), [422]],
  ['an unclosed quote', 'name: "x\ntags: []\n', [422]],
  ['a directive', '%YAML 1.1\n%TAG ! tag:evil.com,2000:\n---\nname: !x y\ntags: []\n', [422]],
  ['a number name', 'name: 12\ntags: []\n', [422]],
  ['a huge integer', `name: x\ntags: []\nsize: ${'9'.repeat(5000)}\n`, [200]],
]
