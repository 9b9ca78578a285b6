/**
 * The seed page "Path Operation Advanced Configuration", example by example: each port in
 * playground/seed/ serves the document the page shows (exactly) and behaves as the page says.
 */
import t from 'tap'
import type { Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { Validator } from '@seriousme/openapi-schema-validator'
import { build as buildOperationId } from '../../playground/seed/operation_id.js'
import { build as buildRouteNames } from '../../playground/seed/route_names_as_ids.js'
import { build as buildExclude } from '../../playground/seed/exclude_from_schema.js'
import { build as buildDocstring } from '../../playground/seed/docstring_truncation.js'
import { build as buildExtensions } from '../../playground/seed/openapi_extensions.js'
import { build as buildCustomBody, magic_data_reader } from '../../playground/seed/openapi_custom_body.js'
import { build as buildYaml, Item as YamlItem } from '../../playground/seed/openapi_yaml_body.js'

type Json = Record<string, unknown>

const routecraftInfo = { title: 'routecraft', version: '0.1.0' }

async function start (t: Test, build: () => Promise<FastifyInstance>): Promise<{ app: FastifyInstance, doc: Json }> {
  const app = await build()
  t.teardown(() => app.close())
  await app.ready()
  const res = await app.inject({ method: 'GET', url: '/openapi.json' })
  t.equal(res.statusCode, 200, '/openapi.json is served')
  t.match(res.headers['content-type'], /^application\/json/)
  const doc = res.json<Json>()
  const check = await new Validator().validate(doc)
  t.ok(check.valid, `the document is valid OpenAPI 3.1: ${JSON.stringify(check.errors)}`)
  return { app, doc }
}

/** FastAPI's `{"item_id": ...}` list route, documented with no response model. */
function listOperation (operationId: string, extra: Json = {}): Json {
  return {
    summary: 'Read Items',
    operationId,
    responses: { 200: { description: 'Successful Response', content: { 'application/json': { schema: {} } } } },
    ...extra,
  }
}

t.test('operation_id: an explicit operationId', async t => {
  const { app, doc } = await start(t, buildOperationId)
  t.strictSame(doc, {
    openapi: '3.1.0',
    info: routecraftInfo,
    paths: { '/items/': { get: listOperation('some_specific_id_you_define') } },
  }, 'the whole document')
  const res = await app.inject({ method: 'GET', url: '/items/' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/json(;|$)/)
  t.equal(res.body, '[{"item_id":"Foo"}]')
})

t.test('route_names_as_ids: openapi({ operationIds: "name" }) uses the handler name', async t => {
  const { app, doc } = await start(t, buildRouteNames)
  t.strictSame(doc, {
    openapi: '3.1.0',
    info: routecraftInfo,
    paths: { '/items/': { get: listOperation('read_items') } },
  }, 'operationId is read_items, not read_items_items__get')
  const res = await app.inject({ method: 'GET', url: '/items/' })
  t.equal(res.statusCode, 200)
  t.equal(res.body, '[{"item_id":"Foo"}]')
})

t.test('exclude_from_schema: includeInSchema false', async t => {
  const { app, doc } = await start(t, buildExclude)
  t.strictSame(doc, { openapi: '3.1.0', info: routecraftInfo, paths: {} }, 'no path, no components')
  const res = await app.inject({ method: 'GET', url: '/items/' })
  t.equal(res.statusCode, 200, 'still served')
  t.match(res.headers['content-type'], /^application\/json(;|$)/)
  t.equal(res.body, '[{"item_id":"Foo"}]')
})

t.test('docstring_truncation: description cleaned and cut at \\f', async t => {
  const { app, doc } = await start(t, buildDocstring)
  const expected = 'Create an item with all the information:\n\n' +
    '- **name**: each item must have a name\n' +
    '- **description**: a long description\n' +
    '- **price**: required\n' +
    "- **tax**: if the item doesn't have tax, you can omit this\n" +
    '- **tags**: a set of unique tag strings for this item'
  const op = (doc.paths as Json)['/items/'] as Json
  const post = op.post as Json
  t.equal(post.description, expected, "FastAPI's description, exactly")
  t.notOk((post.description as string).endsWith('\n'), 'no trailing newline')
  const text = JSON.stringify(doc)
  t.notOk(text.includes(':param item:'), ':param item: is nowhere in the document')
  t.notOk(text.includes('\\f'), 'no form feed in the document')
  t.strictSame(post, {
    summary: 'Create an item',
    description: expected,
    operationId: 'create_item_items__post',
    requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } }, required: true },
    responses: {
      200: { description: 'Successful Response', content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } } },
      422: { description: 'Validation Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/HTTPValidationError' } } } },
    },
  }, 'the whole operation')
  const schemas = (doc.components as Json).schemas as Json
  t.strictSame(Object.keys(schemas), ['HTTPValidationError', 'Item', 'ValidationError'])
  // FastAPI 0.142's document for this model (tests/test_tutorial/test_path_operation_advanced_configurations/
  // test_tutorial004.py): a title on every field, `X | None = None` as anyOf [X, null] with no
  // default and not required, `tags` with its default and not required.
  t.strictSame(schemas.Item, {
    type: 'object',
    required: ['name', 'price'],
    properties: {
      name: { title: 'Name', type: 'string' },
      description: { title: 'Description', anyOf: [{ type: 'string' }, { type: 'null' }] },
      price: { title: 'Price', type: 'number' },
      tax: { title: 'Tax', anyOf: [{ type: 'number' }, { type: 'null' }] },
      tags: { title: 'Tags', uniqueItems: true, default: [], type: 'array', items: { type: 'string' } },
    },
    title: 'Item',
  })

  // The wire, as FastAPI answers (same test file): the body goes through the model both ways,
  // absent optional fields come back null, tags default to [].
  const ok = await app.inject({ method: 'POST', url: '/items/', payload: { name: 'Foo', price: 35.4, tags: ['a', 'b'], extra: 1 } })
  t.equal(ok.statusCode, 200)
  // Same members as FastAPI's body; fast-json-stringify writes required fields first.
  t.strictSame(ok.json(), { name: 'Foo', description: null, price: 35.4, tax: null, tags: ['a', 'b'] }, 'undeclared field filtered by the response model')
  const minimal = await app.inject({ method: 'POST', url: '/items/', payload: { name: 'Foo', price: 42 } })
  t.strictSame(minimal.json(), { name: 'Foo', description: null, price: 42, tax: null, tags: [] }, "FastAPI's answer to {name, price}")
  const noTags = await app.inject({ method: 'POST', url: '/items/', payload: { name: 'Foo', price: 1, tax: 0.5 } })
  t.equal(noTags.statusCode, 200)
  t.strictSame(noTags.json(), { name: 'Foo', description: null, price: 1, tax: 0.5, tags: [] }, 'tags default to []')
  const nulls = await app.inject({ method: 'POST', url: '/items/', payload: { name: 'Foo', price: 1, description: null, tax: null } })
  t.strictSame(nulls.json(), { name: 'Foo', description: null, price: 1, tax: null, tags: [] }, 'null accepted for `X | None`')
  const second = await app.inject({ method: 'POST', url: '/items/', payload: { name: 'Bar', price: 2 } })
  t.strictSame(second.json().tags, [], 'the default [] is fresh for each request')
  const wrong = await app.inject({ method: 'POST', url: '/items/', payload: { name: 'Foo', price: 1, description: 3 } })
  t.strictSame(wrong.json(), { detail: [{ type: 'string_type', loc: ['body', 'description'], msg: 'Input should be a valid string', input: 3 }] },
    "FastAPI's error for a number as `str | None`: the string's error, no union member in loc")
  const bad = await app.inject({ method: 'POST', url: '/items/', payload: { name: 'Foo' } })
  t.equal(bad.statusCode, 422)
  t.strictSame(bad.json(), { detail: [{ type: 'missing', loc: ['body', 'price'], msg: 'Field required', input: { name: 'Foo' } }] },
    "FastAPI's error: the input as sent")
  const dup = await app.inject({ method: 'POST', url: '/items/', payload: { name: 'Foo', price: 1, tags: ['a', 'a'] } })
  // FastAPI answers 200 with tags ["a"] (a set collapses them); the JSON Schema says uniqueItems,
  // which routecraft enforces.
  t.equal(dup.statusCode, 422, 'tags must be unique')
})

t.test('openapi_extensions: the whole document equals the page', async t => {
  const { app, doc } = await start(t, buildExtensions)
  // The JSON shown on the seed page, verbatim.
  const page = JSON.parse(`{
    "openapi": "3.1.0",
    "info": {
        "title": "FastAPI",
        "version": "0.1.0"
    },
    "paths": {
        "/items/": {
            "get": {
                "summary": "Read Items",
                "operationId": "read_items_items__get",
                "responses": {
                    "200": {
                        "description": "Successful Response",
                        "content": {
                            "application/json": {
                                "schema": {}
                            }
                        }
                    }
                },
                "x-aperture-labs-portal": "blue"
            }
        }
    }
}`) as Json
  t.strictSame(doc, page)
  const res = await app.inject({ method: 'GET', url: '/items/' })
  t.equal(res.statusCode, 200)
  t.equal(res.body, '[{"item_id":"portal-gun"}]')
  // Swagger UI shows extensions, as FastAPI's does.
  const init = await app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' })
  t.equal(init.statusCode, 200)
  t.match(init.body, /"showExtensions":\s*true/)
  t.match(init.body, /"showCommonExtensions":\s*true/)
})

t.test('openapi_custom_body: raw bytes, requestBody from openapiExtra', async t => {
  const { app, doc } = await start(t, buildCustomBody)
  const seedRequestBody = {
    content: {
      'application/json': {
        schema: {
          required: ['name', 'price'],
          type: 'object',
          properties: {
            name: { type: 'string' },
            price: { type: 'number' },
            description: { type: 'string' },
          },
        },
      },
    },
    required: true,
  }
  t.strictSame(doc, {
    openapi: '3.1.0',
    info: routecraftInfo,
    paths: {
      '/items/': {
        post: {
          summary: 'Create Item',
          operationId: 'create_item_items__post',
          responses: { 200: { description: 'Successful Response', content: { 'application/json': { schema: {} } } } },
          requestBody: seedRequestBody,
        },
      },
    },
  }, 'requestBody as the seed declares it; no generated 422 and no components for a rawBody route')

  const content = { name: 'Maaaagic', price: 42, description: "Just kiddin', no magic here. ✨" }
  t.strictSame(magic_data_reader(Buffer.from('abc')), { size: 3, content })
  const cases: Array<[string, Record<string, string>, string | Buffer, number]> = [
    ['JSON', { 'content-type': 'application/json' }, '{"a":1}', 7],
    ['malformed JSON is not parsed', { 'content-type': 'application/json' }, '{"a":', 5],
    ['text', { 'content-type': 'text/plain' }, 'hello', 5],
    ['an unknown type', { 'content-type': 'application/x-whatever' }, Buffer.from([0xff, 0xfe, 0x00]), 3],
    ['no content type', {}, 'hello', 5],
    ['multibyte: bytes, not characters', { 'content-type': 'text/plain; charset=utf-8' }, '✨', 3],
    ['an empty body', { 'content-type': 'application/json' }, '', 0],
  ]
  for (const [what, headers, payload, size] of cases) {
    const res = await app.inject({ method: 'POST', url: '/items/', headers, payload })
    t.equal(res.statusCode, 200, what)
    t.strictSame(res.json(), { size, content }, `${what}: size ${size}`)
  }
  const none = await app.inject({ method: 'POST', url: '/items/' })
  t.equal(none.statusCode, 200, 'no body at all')
  t.strictSame(none.json(), { size: 0, content })
})

t.test('openapi_yaml_body: application/x-yaml documented with Item, parsed and validated by the handler', async t => {
  const { app, doc } = await start(t, buildYaml)
  const post = ((doc.paths as Json)['/items/'] as Json).post as Json
  // Pydantic's `Item.model_json_schema()`, which the seed puts in openapi_extra: titles included.
  const itemJson = {
    type: 'object',
    required: ['name', 'tags'],
    properties: { name: { title: 'Name', type: 'string' }, tags: { title: 'Tags', type: 'array', items: { type: 'string' } } },
    title: 'Item',
  }
  const { requestBody, ...rest } = post
  t.strictSame(rest, {
    summary: 'Create Item',
    operationId: 'create_item_items__post',
    responses: { 200: { description: 'Successful Response', content: { 'application/json': { schema: {} } } } },
  }, 'no generated 422 for a rawBody route')
  const content = (requestBody as Json).content as Json
  t.strictSame(Object.keys(content), ['application/x-yaml'])
  t.equal((requestBody as Json).required, true)
  const schema = (content['application/x-yaml'] as Json).schema as Json
  // The schema is the very object that validates (no second copy): its structure is Item's.
  const components = (doc.components as { schemas?: Json } | undefined)?.schemas
  const resolved = (schema.$ref === '#/components/schemas/Item' ? components?.Item : schema) as Json
  t.match(resolved, itemJson, "Item's structure")
  t.strictSame({ ...JSON.parse(JSON.stringify(YamlItem)) as Json, $id: undefined }, { ...itemJson, $id: undefined }, 'built from the seed port\'s Item')
  // What the document should show: a component reference (as for body schemas) or FastAPI's
  // inline model schema; routecraft today inlines the TypeBox object raw, `$id` included,
  // which makes a document that uses Item twice this way invalid ("$id defined more than once").
  const asRef = schema.$ref === '#/components/schemas/Item' && Object.keys(schema).length === 1 &&
    JSON.stringify(components?.Item) === JSON.stringify(itemJson)
  const inline = !('$id' in schema)
  t.ok(asRef || inline, 'a $ref to components.schemas.Item, or inline without $id')

  const yaml = { 'content-type': 'application/x-yaml' }
  const ok = await app.inject({ method: 'POST', url: '/items/', headers: yaml, payload: 'name: Deadpond\ntags:\n  - x\n  - y\n' })
  t.equal(ok.statusCode, 200)
  t.match(ok.headers['content-type'], /^application\/json(;|$)/)
  t.equal(ok.body, '{"name":"Deadpond","tags":["x","y"]}')

  const invalid = await app.inject({ method: 'POST', url: '/items/', headers: yaml, payload: 'name: [unclosed\n' })
  t.equal(invalid.statusCode, 422)
  t.strictSame(invalid.json(), { detail: 'Invalid YAML' })

  const model = await app.inject({ method: 'POST', url: '/items/', headers: yaml, payload: 'name: Deadpond\ntags:\n  - x\n  - 3\n' })
  t.equal(model.statusCode, 422)
  t.strictSame(model.json(), { detail: [{ type: 'string_type', loc: ['tags', 1], msg: 'Input should be a valid string', input: 3 }] })
})
