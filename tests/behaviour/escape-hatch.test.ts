import t from 'tap'
import Fastify from 'fastify'
import { route } from '../../src/index.js'

t.test('a handler may answer through reply: returning reply, or nothing after send()', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(route({ method: 'GET', url: '/returned', handler: ({ reply }) => reply.code(202).header('x-raw', '1').send({ raw: true }) }))
  await app.register(route({ method: 'GET', url: '/sent', handler: ({ reply }) => { void reply.code(203).send('plain text') } }))
  const returned = await app.inject('/returned')
  t.equal(returned.statusCode, 202)
  t.equal(returned.headers['x-raw'], '1')
  t.same(returned.json(), { raw: true })
  const sent = await app.inject('/sent')
  t.equal(sent.statusCode, 203)
  t.equal(sent.body, 'plain text')
})
