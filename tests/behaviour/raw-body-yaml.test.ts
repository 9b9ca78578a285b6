/**
 * Raw-body routes (FastAPI's `await request.body()`) and the seed's YAML route: bytes for any
 * content type, size limits, and every hostile YAML input answered with a 4xx, quickly,
 * without a crash, a hang or a 500.
 */
import t from 'tap'
import type { Test } from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import { openapi, route, validate, RoutecraftError } from '../../src/index.js'
import { build as buildYaml, Item, MAX_YAML_BYTES } from '../../playground/seed/openapi_yaml_body.js'

type Json = Record<string, unknown>

/** An app with one rawBody route that echoes what the handler received. */
async function echoApp (t: Test, fastifyOptions: { bodyLimit?: number } = {}): Promise<FastifyInstance> {
  const app = Fastify(fastifyOptions)
  t.teardown(() => app.close())
  await app.register(openapi())
  await app.register(route({
    method: 'POST',
    url: '/raw',
    rawBody: true,
    handler: function echo_raw ({ body, request }) {
      const bytes: Buffer = body
      return { isBuffer: Buffer.isBuffer(bytes), size: bytes.length, hex: bytes.toString('hex'), contentType: request.headers['content-type'] ?? null }
    },
  }))
  return app
}

t.test('rawBody: the handler gets the exact bytes, whatever the content type', async t => {
  const app = await echoApp(t)
  const cases: Array<[string, string | undefined, Buffer]> = [
    ['JSON is not parsed', 'application/json', Buffer.from('{"a": 1}')],
    ['malformed JSON is not an error', 'application/json', Buffer.from('{"a":')],
    ['JSON with a poisoned key is just bytes', 'application/json', Buffer.from('{"__proto__":{"x":1}}')],
    ['YAML', 'application/x-yaml', Buffer.from('name: a\n')],
    ['form', 'application/x-www-form-urlencoded', Buffer.from('a=1&b=2')],
    ['multipart', 'multipart/form-data; boundary=x', Buffer.from('--x--\r\n')],
    ['binary, not UTF-8', 'application/octet-stream', Buffer.from([0xff, 0xfe, 0x00, 0x80])],
    ['no content type', undefined, Buffer.from('hello')],
  ]
  for (const [what, type, bytes] of cases) {
    const res = await app.inject({ method: 'POST', url: '/raw', headers: type === undefined ? {} : { 'content-type': type }, payload: bytes })
    t.equal(res.statusCode, 200, what)
    t.strictSame(res.json(), { isBuffer: true, size: bytes.length, hex: bytes.toString('hex'), contentType: type ?? null }, what)
  }
  const empty = await app.inject({ method: 'POST', url: '/raw', headers: { 'content-type': 'application/json' }, payload: '' })
  t.equal(empty.statusCode, 200, 'an empty body')
  t.strictSame(empty.json(), { isBuffer: true, size: 0, hex: '', contentType: 'application/json' })
  const none = await app.inject({ method: 'POST', url: '/raw' })
  t.equal(none.statusCode, 200, 'no body at all: an empty Buffer, not a crash')
  t.strictSame(none.json(), { isBuffer: true, size: 0, hex: '', contentType: null })
})

t.test('rawBody: the body limit still applies (413 above it)', async t => {
  const app = await echoApp(t, { bodyLimit: 1024 })
  const at = await app.inject({ method: 'POST', url: '/raw', headers: { 'content-type': 'text/plain' }, payload: 'x'.repeat(1024) })
  t.equal(at.statusCode, 200, 'exactly the limit')
  t.equal(at.json<Json>().size, 1024)
  for (const type of ['text/plain', 'application/json', 'application/x-yaml']) {
    const over = await app.inject({ method: 'POST', url: '/raw', headers: { 'content-type': type }, payload: 'x'.repeat(1025) })
    t.equal(over.statusCode, 413, `one byte over, ${type}`)
    t.strictSame(over.json(), { detail: 'Content Too Large' })
  }
  const noType = await app.inject({ method: 'POST', url: '/raw', payload: Buffer.alloc(4096) })
  t.equal(noType.statusCode, 413, 'over the limit without a content type')
})

t.test('rawBody: Fastify’s default 1 MiB limit on the seed app', async t => {
  const app = await buildYaml()
  t.teardown(() => app.close())
  const over = await app.inject({ method: 'POST', url: '/items/', headers: { 'content-type': 'application/x-yaml' }, payload: Buffer.alloc(1024 * 1024 + 1, 0x61) })
  t.equal(over.statusCode, 413)
  t.strictSame(over.json(), { detail: 'Content Too Large' })
})

t.test('rawBody: documents no requestBody and no 422 of its own', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(openapi())
  await app.register(route({ method: 'PUT', url: '/blobs/{blob_id}', rawBody: true, handler: function put_blob ({ params, body }) { return { id: params.blob_id, size: body.length } } }))
  await app.register(route({ method: 'POST', url: '/blobs/', rawBody: true, handler: function post_blob ({ body }) { return body.length } }))
  await app.ready()
  const doc = (await app.inject('/openapi.json')).json<Json>()
  const paths = doc.paths as Record<string, Record<string, Json>>
  t.strictSame(paths['/blobs/']?.post, {
    summary: 'Post Blob',
    operationId: 'post_blob_blobs__post',
    responses: { 200: { description: 'Successful Response', content: { 'application/json': { schema: {} } } } },
  }, 'a rawBody route without other inputs: no requestBody, no 422')
  t.strictSame(paths['/blobs/{blob_id}']?.put, {
    summary: 'Put Blob',
    operationId: 'put_blob_blobs__blob_id__put',
    parameters: [{ name: 'blob_id', in: 'path', required: true, schema: { type: 'string' } }],
    responses: {
      200: { description: 'Successful Response', content: { 'application/json': { schema: {} } } },
      422: { description: 'Validation Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/HTTPValidationError' } } } },
    },
  }, 'the path parameter is an input (422), the raw body still adds no requestBody')
  const res = await app.inject({ method: 'PUT', url: '/blobs/b1', payload: 'abc' })
  t.equal(res.statusCode, 200)
  t.strictSame(res.json(), { id: 'b1', size: 3 })
})

t.test('rawBody together with a body schema is refused when declared', async t => {
  t.throws(
    () => route({ method: 'POST', url: '/x', rawBody: true, body: Type.Object({}) as never, handler: () => 1 }),
    { name: 'RoutecraftError', code: 'RC_ERR_ROUTE_BODY_CONFLICT' },
  )
  try {
    route({ method: 'POST', url: '/x', rawBody: true, body: Type.Object({}) as never, handler: () => 1 })
  } catch (err) {
    t.ok(err instanceof RoutecraftError)
  }
})

// ---------------------------------------------------------------------------------------------
// The YAML route
// ---------------------------------------------------------------------------------------------

async function yamlApp (t: Test): Promise<FastifyInstance> {
  const app = await buildYaml()
  t.teardown(() => app.close())
  await app.ready()
  return app
}

/**
 * Posts YAML; `ms` is the CPU time (user + system) of this process meanwhile, which other
 * processes competing for the machine do not inflate as they inflate wall time.
 */
async function postYaml (app: FastifyInstance, payload: string | Buffer): Promise<{ status: number, body: unknown, ms: number }> {
  const started = process.cpuUsage()
  const res = await app.inject({ method: 'POST', url: '/items/', headers: { 'content-type': 'application/x-yaml' }, payload })
  const used = process.cpuUsage(started)
  return { status: res.statusCode, body: res.json(), ms: (used.user + used.system) / 1000 }
}

// "Fast" below: at most this much CPU time. The slowest document here (a token-dense flow list
// just under the cap) needs about 0.4 s of CPU on an idle 2-core machine; a parser let loose on
// a 900 KB body would need about 30 times that.
const FAST_CPU_MS = 5_000

const INVALID = { detail: 'Invalid YAML' }

t.test('YAML: the document shows the same schema that validates', async t => {
  const app = await yamlApp(t)
  const doc = (await app.inject('/openapi.json')).json<Json>()
  const op = (doc.paths as Record<string, Record<string, Json>>)['/items/']?.post as Json
  const body = op.requestBody as { content: Record<string, { schema: Json }>, required: boolean }
  t.equal(body.required, true)
  t.strictSame(Object.keys(body.content), ['application/x-yaml'])
  const schema = body.content['application/x-yaml']?.schema as Json
  const resolved = (schema.$ref === '#/components/schemas/Item' ? ((doc.components as Json).schemas as Json).Item : schema) as Json
  // Item's JSON form, whichever way the document shows it (inline or as a component).
  t.match(resolved, { type: 'object', required: ['name', 'tags'], properties: JSON.parse(JSON.stringify(Item.properties)) as Json })
  t.strictSame(Object.keys(resolved).filter(k => k !== '$id' && k !== 'title').sort(), ['properties', 'required', 'type'])
  t.equal((op.responses as Json)['422'], undefined, 'no generated 422: the 422s come from the handler')
})

t.test('YAML: valid input', async t => {
  const app = await yamlApp(t)
  t.strictSame(await postYaml(app, 'name: Deadpond\ntags: [a, b]\n').then(r => [r.status, r.body]), [200, { name: 'Deadpond', tags: ['a', 'b'] }], 'flow list')
  t.strictSame(await postYaml(app, 'name: x\ntags: [*n]\n').then(r => r.status), 422, 'an undefined alias is a parse error')
  t.strictSame(await postYaml(app, 'name: &n x\ntags: [*n, *n]\n').then(r => [r.status, r.body]), [200, { name: 'x', tags: ['x', 'x'] }], 'a few aliases are fine')
  t.strictSame(await postYaml(app, '%YAML 1.2\n---\nname: a\ntags: []\n...\n').then(r => [r.status, r.body]), [200, { name: 'a', tags: [] }], 'directives and document markers')
  const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('name: a\ntags: [x]\n')])
  t.strictSame(await postYaml(app, bom).then(r => [r.status, r.body]), [200, { name: 'a', tags: ['x'] }], 'a UTF-8 byte order mark')
  t.strictSame(await postYaml(app, 'name:\ta\ntags: []\n').then(r => [r.status, r.body]), [200, { name: 'a', tags: [] }], 'a tab as a separator (not indentation) is valid YAML')

  const extra = await postYaml(app, 'name: a\ntags: [x]\nsecret: s\n')
  t.equal(extra.status, 200)
  t.strictSame(extra.body, { name: 'a', tags: ['x'] }, 'undeclared fields dropped')
})

t.test('YAML: model failures are 422 with FastAPI-shaped errors, loc relative to the value', async t => {
  const app = await yamlApp(t)
  const cases: Array<[string, string, unknown]> = [
    ['a wrong item type', 'name: a\ntags:\n  - x\n  - 3\n', [{ type: 'string_type', loc: ['tags', 1], msg: 'Input should be a valid string', input: 3 }]],
    ['a number for a string', 'name: 123\ntags: []\n', [{ type: 'string_type', loc: ['name'], msg: 'Input should be a valid string', input: 123 }]],
    ['a missing field', 'name: a\n', [{ type: 'missing', loc: ['tags'], msg: 'Field required', input: { name: 'a' } }]],
    ['a scalar', 'hello\n', [{ type: 'model_attributes_type', loc: [], msg: 'Input should be a valid dictionary or object to extract fields from', input: 'hello' }]],
    ['a list', '- a\n- b\n', [{ type: 'model_attributes_type', loc: [], msg: 'Input should be a valid dictionary or object to extract fields from', input: ['a', 'b'] }]],
    // `yaml.safe_load(b'')` is None and `Item.model_validate(None)` fails on the whole value
    // (Pydantic's `model_type`); routecraft reports the same place, with Ajv's object error.
    ['an empty body', '', [{ type: 'model_attributes_type', loc: [], msg: 'Input should be a valid dictionary or object to extract fields from', input: null }]],
    ['only a comment', '# nothing here\n', [{ type: 'model_attributes_type', loc: [], msg: 'Input should be a valid dictionary or object to extract fields from', input: null }]],
    ['null', 'null\n', [{ type: 'model_attributes_type', loc: [], msg: 'Input should be a valid dictionary or object to extract fields from', input: null }]],
  ]
  for (const [what, yaml, detail] of cases) {
    const res = await postYaml(app, yaml)
    t.equal(res.status, 422, what)
    t.strictSame(res.body, { detail }, what)
  }
  // Pydantic reports the input as it came, undeclared fields included.
  const other = await postYaml(app, 'other: 1\n')
  t.equal(other.status, 422)
  t.strictSame(other.body, { detail: [
    { type: 'missing', loc: ['name'], msg: 'Field required', input: { other: 1 } },
    { type: 'missing', loc: ['tags'], msg: 'Field required', input: { other: 1 } },
  ] }, 'every missing field, input as sent')

  const none = await app.inject({ method: 'POST', url: '/items/' })
  t.equal(none.statusCode, 422, 'no body and no content type')
  t.strictSame(none.json(), { detail: [{ type: 'model_attributes_type', loc: [], msg: 'Input should be a valid dictionary or object to extract fields from', input: null }] })
})

t.test('YAML: hostile inputs are 4xx, fast, and never reach the process', async t => {
  const app = await yamlApp(t)
  const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
  const letters = 'abcdefghi'
  for (let i = 1; i < letters.length; i++) laughs.push(`${letters[i]}: &${letters[i]} [${Array(9).fill('*' + letters[i - 1]).join(',')}]`)
  const cases: Array<[string, string | Buffer]> = [
    ['billion laughs (9^9 expansions)', laughs.join('\n') + '\nname: x\ntags: []\n'],
    ['10k-deep flow nesting', '['.repeat(10_000) + ']'.repeat(10_000)],
    ['10k-deep unclosed flow nesting', '['.repeat(10_000)],
    ['5k-deep flow maps', '{a: '.repeat(5_000) + '1' + '}'.repeat(5_000)],
    ['10k-deep compact block sequences', '- '.repeat(10_000) + 'x'],
    ['150-deep block maps', Array.from({ length: 150 }, (_, i) => ' '.repeat(i) + 'a:').join('\n') + ' x'],
    ['a Python tag at the top', '!!python/object/apply:os.system ["ls"]\n'],
    ['a Python tag in a field', 'name: !!python/object/apply:os.system ["ls"]\ntags: []\n'],
    ['a JS tag', 'name: !!js/function "function () {}"\ntags: []\n'],
    ['a local tag', 'name: !shell ls\ntags: []\n'],
    ['two documents', 'a: 1\n---\nb: 2'],
    ['two valid items', 'name: a\ntags: []\n---\nname: b\ntags: []\n'],
    ['tab indentation', 'name: a\ntags:\n\t- x\n'],
    ['tab before a key', 'name: a\n\ttags: []\n'],
    ['bytes 0xff 0xfe (not UTF-8)', Buffer.from([0xff, 0xfe])],
    ['a lone continuation byte', Buffer.concat([Buffer.from('name: '), Buffer.from([0x80]), Buffer.from('\ntags: []\n')])],
    ['an overlong encoding', Buffer.concat([Buffer.from('name: '), Buffer.from([0xc0, 0xaf]), Buffer.from('\ntags: []\n')])],
    ['a duplicate key', 'name: a\nname: b\ntags: []\n'],
    ['a list as a key', '? [a, b]\n: 1\nname: a\ntags: []\n'],
    ['an unclosed flow list', 'name: a\ntags: [x\n'],
    ['an unterminated quote', 'name: "a\ntags: []\n'],
  ]
  for (const [what, payload] of cases) {
    t.ok(Buffer.byteLength(payload) <= MAX_YAML_BYTES, `${what}: under the size cap, so the parser sees it`)
    const res = await postYaml(app, payload)
    t.equal(res.status, 422, what)
    t.strictSame(res.body, INVALID, what)
    t.ok(res.ms < FAST_CPU_MS, `${what}: answered in ${Math.round(res.ms)} ms of CPU`)
  }
  // Deep input once overflowed yaml's composer, after which V8 could abort the process on the
  // next regular expression it compiled: send it again and check the server still answers.
  for (let i = 0; i < 3; i++) t.equal((await postYaml(app, '['.repeat(10_000))).status, 422, `deep input, round ${i + 2}`)
  t.strictSame(await postYaml(app, 'name: still\ntags: [alive]\n').then(r => [r.status, r.body]), [200, { name: 'still', tags: ['alive'] }], 'the server still works')
})

t.test('YAML: huge documents are refused before parsing; the largest accepted one is fast', async t => {
  const app = await yamlApp(t)
  const huge = 'name: big\ntags:\n' + '  - abcdefghij\n'.repeat(60_000)
  t.ok(huge.length > 900_000 && huge.length < 1024 * 1024, 'a 900 KB document, under the server body limit')
  const res = await postYaml(app, huge)
  t.equal(res.status, 413)
  t.strictSame(res.body, { detail: 'Content Too Large' })
  t.ok(res.ms < FAST_CPU_MS, `900 KB answered in ${Math.round(res.ms)} ms of CPU`)

  const over = await postYaml(app, 'name: a\ntags: []\n#' + 'x'.repeat(MAX_YAML_BYTES))
  t.equal(over.status, 413, 'one comment over the YAML cap')

  // Token-dense documents just under the cap: every tag a token, every key checked for duplicates.
  const dense: Array<[string, string, (body: unknown) => void]> = [
    ['a flow list', 'name: big\ntags: [' + Array(Math.floor((MAX_YAML_BYTES - 64) / 2)).fill('a').join(',') + ']\n', body => t.equal((body as { tags: string[] }).tags.length, Math.floor((MAX_YAML_BYTES - 64) / 2))],
    ['a block list', 'name: big\ntags:\n' + '- a\n'.repeat(Math.floor((MAX_YAML_BYTES - 64) / 4)), body => t.equal((body as { tags: string[] }).tags.length, Math.floor((MAX_YAML_BYTES - 64) / 4))],
    ['a map of 3000 keys', 'name: big\ntags: []\n' + Array.from({ length: 3000 }, (_, i) => `k${i}: 1`).join('\n') + '\n', body => t.equal((body as Json).name, 'big')],
  ]
  for (const [what, yaml, check] of dense) {
    t.ok(Buffer.byteLength(yaml) <= MAX_YAML_BYTES, `${what} fits under the cap`)
    const r = await postYaml(app, yaml)
    t.equal(r.status, 200, what)
    check(r.body)
    t.ok(r.ms < FAST_CPU_MS, `${what}: ${Math.round(r.ms)} ms of CPU`)
  }
})

t.test('YAML: __proto__ and constructor keys never pollute, never 500', async t => {
  const app = await yamlApp(t)
  const cases: Array<[string, string]> = [
    ['__proto__ at the top', '__proto__:\n  polluted: yes\nname: a\ntags: []\n'],
    ['__proto__ nested', 'name: a\ntags: []\nx:\n  __proto__:\n    polluted: yes\n'],
    ['constructor.prototype', 'constructor:\n  prototype:\n    polluted: yes\nname: a\ntags: []\n'],
    ['__proto__ in flow style', '{"__proto__": {"polluted": "yes"}, name: a, tags: []}'],
  ]
  for (const [what, yaml] of cases) {
    const res = await postYaml(app, yaml)
    t.not(res.status, 500, what)
    t.ok(res.status === 200 || res.status === 422, `${what}: ${res.status}`)
    t.equal(({} as Record<string, unknown>).polluted, undefined, `${what}: Object.prototype untouched`)
    t.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false)
    if (res.status === 200) {
      t.strictSame(Object.keys(res.body as Json).sort(), ['name', 'tags'], `${what}: stripped`)
    }
  }
})

t.test('validate(): the helper the YAML route uses', async t => {
  const input = { name: 'a', tags: ['x'], extra: { deep: 1 } }
  const ok = validate(Item, input)
  t.equal(ok.ok, true)
  t.strictSame(input, { name: 'a', tags: ['x'], extra: { deep: 1 } }, 'the input is not changed')
  if (ok.ok) {
    t.not(ok.value, input, 'a copy')
    t.strictSame(ok.value, { name: 'a', tags: ['x'] }, 'undeclared fields removed')
  }
  t.strictSame(validate(Item, { name: 'a', tags: ['x', 2, 'y', 4] }), {
    ok: false,
    errors: [
      { type: 'string_type', loc: ['tags', 1], msg: 'Input should be a valid string', input: 2 },
      { type: 'string_type', loc: ['tags', 3], msg: 'Input should be a valid string', input: 4 },
    ],
  })
  t.strictSame(validate(Item, 'text'), { ok: false, errors: [{ type: 'model_attributes_type', loc: [], msg: 'Input should be a valid dictionary or object to extract fields from', input: 'text' }] })
  t.strictSame(validate(Item, undefined), { ok: false, errors: [{ type: 'model_attributes_type', loc: [], msg: 'Input should be a valid dictionary or object to extract fields from', input: undefined }] })
})
