// Seed page "HTTP Basic Auth": the two ports, on the wire and in the document.
import t from 'tap'
import { Validator } from '@seriousme/openapi-schema-validator'
import type { FastifyInstance } from 'fastify'
import { build as buildSimple, readCurrentUser as readSimple } from '../../playground/seed/basic_auth_simple.js'
import { build as buildChecked, readCurrentUser as readChecked } from '../../playground/seed/basic_auth_checked.js'
import { testClient } from '../../src/testing/index.js'
import { documentOf } from '../support/openapi.js'

const basic = (username: string, password: string): string =>
  `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`

async function fresh (t: { teardown: (fn: () => unknown) => void }, build: () => Promise<FastifyInstance>): Promise<FastifyInstance> {
  const app = await build()
  t.teardown(() => app.close())
  await app.ready()
  return app
}

t.test('basic_auth_simple', async t => {
  t.test('echoes the credentials', async t => {
    const client = testClient(await fresh(t, buildSimple))
    const res = await client.request(readSimple, { headers: { authorization: basic('stanleyjobson', 'swordfish') }, expect: 200 })
    t.match(res.headers['content-type'], /^application\/json/)
    t.strictSame(res.body, { username: 'stanleyjobson', password: 'swordfish' })
  })

  t.test('non-ASCII (UTF-8) credentials work: Sebastián', async t => {
    const client = testClient(await fresh(t, buildSimple))
    const res = await client.request(readSimple, { headers: { authorization: basic('Sebastián', 'contraseña') }, expect: 200 })
    t.strictSame(res.body, { username: 'Sebastián', password: 'contraseña' })
  })

  t.test('no credentials: FastAPI\'s 401', async t => {
    const client = testClient(await fresh(t, buildSimple))
    const res = await client.request(readSimple, { expect: 401 })
    t.equal(res.headers['www-authenticate'], 'Basic')
    t.strictSame(res.body, { detail: 'Not authenticated' })
  })

  t.test('any credentials are accepted (no check in this example)', async t => {
    const client = testClient(await fresh(t, buildSimple))
    const res = await client.request(readSimple, { headers: { authorization: basic('johndoe', 'love123') }, expect: 200 })
    t.strictSame(res.body, { username: 'johndoe', password: 'love123' })
  })
})

t.test('basic_auth_checked', async t => {
  t.test('right credentials', async t => {
    const client = testClient(await fresh(t, buildChecked))
    const res = await client.request(readChecked, { headers: { authorization: basic('stanleyjobson', 'swordfish') }, expect: 200 })
    t.equal(res.text, '{"username":"stanleyjobson"}')
  })

  const wrong: Array<[string, string, string]> = [
    ['wrong password', 'stanleyjobson', 'love123'],
    ['wrong username', 'johndoe', 'swordfish'],
    ['both wrong', 'johndoe', 'love123'],
    ['a prefix of the username', 'stanleyjobso', 'swordfish'],
    ['the username one character longer', 'stanleyjobsonx', 'swordfish'],
    ['a case difference', 'StanleyJobson', 'swordfish'],
    ['empty username and password', '', ''],
    ['non-ASCII', 'Sebastián', 'swordfish'],
    ['swapped', 'swordfish', 'stanleyjobson'],
  ]
  for (const [label, username, password] of wrong) {
    t.test(`wrong credentials (${label}): 401 Incorrect username or password`, async t => {
      const app = await fresh(t, buildChecked)
      const res = await app.inject({ method: 'GET', url: '/users/me', headers: { authorization: basic(username, password) } })
      t.equal(res.statusCode, 401)
      t.equal(res.headers['www-authenticate'], 'Basic')
      t.strictSame(res.json(), { detail: 'Incorrect username or password' })
    })
  }

  t.test('the password with a ":" suffix is wrong (split at the first ":")', async t => {
    const app = await fresh(t, buildChecked)
    const res = await app.inject({ method: 'GET', url: '/users/me', headers: { authorization: basic('stanleyjobson', 'swordfish:') } })
    t.equal(res.statusCode, 401)
    t.strictSame(res.json(), { detail: 'Incorrect username or password' })
  })

  t.test('no credentials: FastAPI\'s 401, before the check runs', async t => {
    const app = await fresh(t, buildChecked)
    const res = await app.inject({ method: 'GET', url: '/users/me' })
    t.equal(res.statusCode, 401)
    t.equal(res.headers['www-authenticate'], 'Basic')
    t.strictSame(res.json(), { detail: 'Not authenticated' })
  })

  t.test('a malformed header: 401 Not authenticated', async t => {
    const app = await fresh(t, buildChecked)
    const res = await app.inject({ method: 'GET', url: '/users/me', headers: { authorization: 'Basic !!!' } })
    t.equal(res.statusCode, 401)
    t.equal(res.headers['www-authenticate'], 'Basic')
    t.strictSame(res.json(), { detail: 'Not authenticated' })
  })
})

for (const [name, build, handlerName] of [
  ['basic_auth_simple', buildSimple, 'read_current_user'],
  ['basic_auth_checked', buildChecked, 'read_current_user'],
] as const) {
  t.test(`${name}: the document`, async t => {
    const app = await fresh(t, build)
    const doc = await documentOf(app)
    t.equal(doc.openapi, '3.1.0')
    t.strictSame(doc.components.securitySchemes, { HTTPBasic: { type: 'http', scheme: 'basic' } })
    t.strictSame(Object.keys(doc.paths), ['/users/me'])
    const op = doc.paths['/users/me'].get
    t.strictSame(op.security, [{ HTTPBasic: [] }])
    t.equal(op.summary, 'Read Current User')
    t.equal(op.operationId, `${handlerName}_users_me_get`)
    t.notOk('parameters' in op, 'the Authorization header is not a parameter')
    t.strictSame(Object.keys(op.responses), ['200'], 'no 401 and no 422 documented')
    t.strictSame(op.responses['200'], { description: 'Successful Response', content: { 'application/json': { schema: {} } } })
    t.notOk('requestBody' in op)

    const result = await new Validator().validate(doc)
    t.equal(result.valid, true, `a valid OpenAPI 3.1 document: ${JSON.stringify(result.errors)}`)
  })
}
