// Seed pages "Response - Change Status Code", "Response Cookies", "Response Headers" and
// "Return a Response Directly": the seven ports, on the wire and in the document.
import t, { type Test } from 'tap'
import { Validator } from '@seriousme/openapi-schema-validator'
import type { FastifyInstance } from 'fastify'
import { build as buildChangeStatusCode } from '../../playground/seed/change_status_code.js'
import { build as buildCookieParam } from '../../playground/seed/cookie_param.js'
import { build as buildCookieDirect } from '../../playground/seed/cookie_direct.js'
import { build as buildResponseJsonable } from '../../playground/seed/response_jsonable.js'
import { build as buildResponseXml } from '../../playground/seed/response_xml.js'
import { build as buildHeadersParam } from '../../playground/seed/headers_param.js'
import { build as buildHeadersDirect } from '../../playground/seed/headers_direct.js'
import { documentOf } from '../support/openapi.js'

type Tap = { teardown: (fn: () => unknown) => void }

// Fastify adds `; charset=utf-8` to JSON; FastAPI sends the bare type. Either is JSON.
const JSON_TYPE = /^application\/json(; charset=utf-8)?$/

async function fresh (t: Tap, build: () => Promise<FastifyInstance>): Promise<FastifyInstance> {
  const app = await build()
  t.teardown(() => app.close())
  await app.ready()
  return app
}

async function assertValidDocument (t: Test, app: FastifyInstance): Promise<Record<string, any>> {
  const doc = await documentOf(app)
  t.equal(doc.openapi, '3.1.0')
  const res = await new Validator().validate(doc)
  t.ok(res.valid, res.valid ? 'valid OpenAPI 3.1' : `invalid OpenAPI 3.1: ${JSON.stringify(res.errors)}`)
  return doc
}

const validationError = { description: 'Validation Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/HTTPValidationError' } } } }
const anyJson = { 'application/json': { schema: {} } }

t.test('change_status_code', async t => {
  t.test('an existing task: the default 200 and the task, as JSON', async t => {
    const app = await fresh(t, buildChangeStatusCode)
    const res = await app.inject({ method: 'PUT', url: '/get-or-create-task/foo' })
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], JSON_TYPE)
    t.equal(res.body, '"Listen to the Bar Fighters"')
  })

  t.test('a new task: 201 through the temporal response, then 200 once it exists', async t => {
    const app = await fresh(t, buildChangeStatusCode)
    const first = await app.inject({ method: 'PUT', url: '/get-or-create-task/bar' })
    t.equal(first.statusCode, 201)
    t.equal(first.body, '"This didn\'t exist before"')
    const second = await app.inject({ method: 'PUT', url: '/get-or-create-task/bar' })
    t.equal(second.statusCode, 200)
    t.equal(second.body, '"This didn\'t exist before"')
  })

  t.test('each app has its own tasks: a task created in one app is new in another', async t => {
    const one = await fresh(t, buildChangeStatusCode)
    const two = await fresh(t, buildChangeStatusCode)
    t.equal((await one.inject({ method: 'PUT', url: '/get-or-create-task/baz' })).statusCode, 201)
    t.equal((await one.inject({ method: 'PUT', url: '/get-or-create-task/baz' })).statusCode, 200)
    t.equal((await two.inject({ method: 'PUT', url: '/get-or-create-task/baz' })).statusCode, 201)
  })

  t.test('ids that are Object.prototype names are ordinary new ids', async t => {
    const app = await fresh(t, buildChangeStatusCode)
    for (const id of ['constructor', 'toString', '__proto__']) {
      const res = await app.inject({ method: 'PUT', url: `/get-or-create-task/${id}` })
      t.equal(res.statusCode, 201, id)
      t.equal(res.body, '"This didn\'t exist before"', id)
    }
  })

  t.test('an empty task_id segment is a 404', async t => {
    const app = await fresh(t, buildChangeStatusCode)
    const res = await app.inject({ method: 'PUT', url: '/get-or-create-task/' })
    t.equal(res.statusCode, 404)
    t.strictSame(res.json(), { detail: 'Not Found' })
  })

  t.test('the document: FastAPI\'s operation, 200 by default, 422 for the path parameter', async t => {
    const app = await fresh(t, buildChangeStatusCode)
    const doc = await assertValidDocument(t, app)
    t.strictSame(doc.paths, {
      '/get-or-create-task/{task_id}': {
        put: {
          summary: 'Get Or Create Task',
          operationId: 'get_or_create_task_get_or_create_task__task_id__put',
          parameters: [{ name: 'task_id', in: 'path', required: true, schema: { title: 'Task Id', type: 'string' } }],
          responses: { 200: { description: 'Successful Response', content: anyJson }, 422: validationError },
        },
      },
    })
  })
})

t.test('cookie_param', async t => {
  t.test('sets the cookie with Starlette\'s defaults and returns the message', async t => {
    const app = await fresh(t, buildCookieParam)
    const res = await app.inject({ method: 'POST', url: '/cookie-and-object/' })
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], JSON_TYPE)
    // Exactly one Set-Cookie line: Path=/ and SameSite=Lax, no HttpOnly, no Secure.
    t.equal(res.headers['set-cookie'], 'fakesession=fake-cookie-session-value; Path=/; SameSite=Lax')
    t.strictSame(res.json(), { message: 'Come to the dark side, we have cookies' })
    t.strictSame(res.cookies.map(c => ({ ...c })), [{ name: 'fakesession', value: 'fake-cookie-session-value', path: '/', sameSite: 'Lax' }])
  })

  t.test('GET is not the operation', async t => {
    const app = await fresh(t, buildCookieParam)
    const res = await app.inject({ method: 'GET', url: '/cookie-and-object/' })
    t.equal(res.statusCode, 404)
    t.equal(res.headers['set-cookie'], undefined)
  })

  t.test('the document', async t => {
    const app = await fresh(t, buildCookieParam)
    const doc = await assertValidDocument(t, app)
    t.strictSame(doc.paths, {
      '/cookie-and-object/': {
        post: {
          summary: 'Create Cookie',
          operationId: 'create_cookie_cookie_and_object__post',
          responses: { 200: { description: 'Successful Response', content: anyJson } },
        },
      },
    })
  })
})

t.test('cookie_direct', async t => {
  t.test('the direct response carries the cookie set on it and the JSON content', async t => {
    const app = await fresh(t, buildCookieDirect)
    const res = await app.inject({ method: 'POST', url: '/cookie/' })
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], JSON_TYPE)
    t.equal(res.headers['set-cookie'], 'fakesession=fake-cookie-session-value; Path=/; SameSite=Lax')
    t.equal(res.body, '{"message":"Come to the dark side, we have cookies"}')
  })

  t.test('the document', async t => {
    const app = await fresh(t, buildCookieDirect)
    const doc = await assertValidDocument(t, app)
    t.strictSame(doc.paths, {
      '/cookie/': {
        post: {
          summary: 'Create Cookie',
          operationId: 'create_cookie_cookie__post',
          responses: { 200: { description: 'Successful Response', content: anyJson } },
        },
      },
    })
  })
})

t.test('response_jsonable', async t => {
  // FastAPI's answers: tests/test_tutorial/test_response_directly/test_tutorial001.py and
  // FastAPI 0.142 with pydantic 2.13 (the zone-by-zone table is in time-zones.test.ts).
  t.test('the item comes back as sent, the timestamp as pydantic writes it', async t => {
    const app = await fresh(t, buildResponseJsonable)
    const res = await app.inject({
      method: 'PUT', url: '/items/1',
      payload: { title: 'Foo', timestamp: '2023-01-01T12:00:00', description: 'A test item' },
    })
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], JSON_TYPE)
    t.strictSame(res.json(), { description: 'A test item', timestamp: '2023-01-01T12:00:00', title: 'Foo' })
    const offset = await app.inject({ method: 'PUT', url: '/items/foo', payload: { title: 'Foo', timestamp: '2023-01-01T12:00:00+02:00', description: 'A foo' } })
    t.equal(offset.body, '{"title":"Foo","timestamp":"2023-01-01T12:00:00+02:00","description":"A foo"}', 'the offset kept, not moved to UTC')
  })

  t.test('description defaults to null, as Pydantic\'s `str | None = None`; null is accepted', async t => {
    const app = await fresh(t, buildResponseJsonable)
    for (const payload of [{ title: 'Foo', timestamp: '2023-01-01T12:00:00Z' }, { title: 'Foo', timestamp: '2023-01-01T12:00:00Z', description: null }]) {
      const res = await app.inject({ method: 'PUT', url: '/items/foo', payload })
      t.equal(res.statusCode, 200)
      t.strictSame(res.json(), { title: 'Foo', timestamp: '2023-01-01T12:00:00Z', description: null })
    }
  })

  t.test('a timestamp that is not a date-time is a 422', async t => {
    const app = await fresh(t, buildResponseJsonable)
    const res = await app.inject({ method: 'PUT', url: '/items/foo', payload: { title: 'Foo', timestamp: 'not-a-date' } })
    t.equal(res.statusCode, 422)
    t.strictSame(res.json(), {
      detail: [{ type: 'datetime_from_date_parsing', loc: ['body', 'timestamp'], msg: 'Input should be a valid datetime', input: 'not-a-date' }],
    })
  })

  t.test('a missing title and a wrong description are reported together', async t => {
    const app = await fresh(t, buildResponseJsonable)
    const res = await app.inject({ method: 'PUT', url: '/items/foo', payload: { timestamp: '2023-01-01T12:00:00Z', description: 3 } })
    t.equal(res.statusCode, 422)
    const detail = res.json().detail as Array<{ loc: unknown[]; type: string }>
    t.strictSame(detail.map(d => d.loc).sort(), [['body', 'description'], ['body', 'title']])
    t.equal(detail.find(d => d.loc[1] === 'title')?.type, 'missing')
  })

  t.test('fields the Item does not declare are ignored, as Pydantic ignores them', async t => {
    const app = await fresh(t, buildResponseJsonable)
    const res = await app.inject({ method: 'PUT', url: '/items/foo', payload: { title: 'Foo', timestamp: '2023-01-01T12:00:00Z', secret: 'x' } })
    t.equal(res.statusCode, 200)
    t.strictSame(res.json(), { title: 'Foo', timestamp: '2023-01-01T12:00:00Z', description: null })
  })

  t.test("the document: FastAPI's, exactly (test_openapi_schema_pv2 of the same test file)", async t => {
    const app = await fresh(t, buildResponseJsonable)
    const doc = await assertValidDocument(t, app)
    t.strictSame(doc.paths['/items/{id}'], {
      put: {
        summary: 'Update Item',
        operationId: 'update_item_items__id__put',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { title: 'Id', type: 'string' } }],
        requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } }, required: true },
        responses: { 200: { description: 'Successful Response', content: anyJson }, 422: validationError },
      },
    })
    t.strictSame(doc.components.schemas.Item, {
      properties: {
        title: { title: 'Title', type: 'string' },
        timestamp: { format: 'date-time', title: 'Timestamp', type: 'string' },
        description: { anyOf: [{ type: 'string' }, { type: 'null' }], title: 'Description' },
      },
      required: ['title', 'timestamp'],
      title: 'Item',
      type: 'object',
    })
  })
})

t.test('response_xml', async t => {
  const xml = '<?xml version="1.0"?>\n    <shampoo>\n    <Header>\n        Apply shampoo here.\n    </Header>\n    <Body>\n        You\'ll have to use soap here.\n    </Body>\n    </shampoo>\n    '

  t.test('the XML string, byte for byte, as application/xml', async t => {
    const app = await fresh(t, buildResponseXml)
    const res = await app.inject({ method: 'GET', url: '/legacy/' })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['content-type'], 'application/xml')
    t.equal(res.body, xml)
    t.equal(res.headers['content-length'], String(Buffer.byteLength(xml)))
  })

  t.test('the document lists the XML response', async t => {
    const app = await fresh(t, buildResponseXml)
    const doc = await assertValidDocument(t, app)
    t.strictSame(doc.paths, {
      '/legacy/': {
        get: {
          summary: 'Get Legacy Data',
          operationId: 'get_legacy_data_legacy__get',
          responses: { 200: { description: 'Successful Response', content: { ...anyJson, 'application/xml': {} } } },
        },
      },
    })
  })
})

t.test('headers_param', async t => {
  t.test('the header set on the temporal response, and the JSON message', async t => {
    const app = await fresh(t, buildHeadersParam)
    const res = await app.inject({ method: 'GET', url: '/headers-and-object/' })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['x-cat-dog'], 'alone in the world')
    t.match(res.headers['content-type'], JSON_TYPE)
    t.equal(res.body, '{"message":"Hello World"}')
  })

  t.test('the document shows the header in the 200 response', async t => {
    const app = await fresh(t, buildHeadersParam)
    const doc = await assertValidDocument(t, app)
    t.strictSame(doc.paths, {
      '/headers-and-object/': {
        get: {
          summary: 'Get Headers',
          operationId: 'get_headers_headers_and_object__get',
          responses: {
            200: {
              description: 'Successful Response',
              content: anyJson,
              headers: { 'X-Cat-Dog': { description: 'Where the cat-dog is', schema: { type: 'string' } } },
            },
          },
        },
      },
    })
  })
})

t.test('headers_direct', async t => {
  t.test('both headers passed to withResponse, and the JSON message', async t => {
    const app = await fresh(t, buildHeadersDirect)
    const res = await app.inject({ method: 'GET', url: '/headers/' })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['x-cat-dog'], 'alone in the world')
    t.equal(res.headers['content-language'], 'en-US')
    t.match(res.headers['content-type'], JSON_TYPE)
    t.equal(res.body, '{"message":"Hello World"}')
  })

  t.test('the document shows both headers in the 200 response', async t => {
    const app = await fresh(t, buildHeadersDirect)
    const doc = await assertValidDocument(t, app)
    t.strictSame(doc.paths, {
      '/headers/': {
        get: {
          summary: 'Get Headers',
          operationId: 'get_headers_headers__get',
          responses: {
            200: {
              description: 'Successful Response',
              content: anyJson,
              headers: {
                'X-Cat-Dog': { description: 'Where the cat-dog is', schema: { type: 'string' } },
                'Content-Language': { description: 'The language of the content', schema: { type: 'string' } },
              },
            },
          },
        },
      },
    })
  })
})
