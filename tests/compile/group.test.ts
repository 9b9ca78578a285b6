/**
 * The context routes of one kind share in a scope (group.ts), with stand-ins for Fastify
 * instances: what is shared, when a new context is made, and the fall-back to a context per
 * route when the scope's hooks and parsers cannot be read.
 */
import t from 'tap'
import type { FastifyInstance, FastifyPluginOptions } from 'fastify'
import { addToGroup } from '../../src/compile/group.js'

type Plugin = (child: FastifyInstance) => Promise<void>

const kHooks = Symbol('fastify.hooks')
const kParsers = Symbol('fastify.contentTypeParser')

/** A scope that records what is registered on it without loading it. */
function scope (readable = true): { instance: FastifyInstance; registered: Array<{ plugin: Plugin; options: FastifyPluginOptions }>; onRoute: unknown[]; parsers: Map<string, unknown> } {
  const registered: Array<{ plugin: Plugin; options: FastifyPluginOptions }> = []
  const onRoute: unknown[] = []
  const parsers = new Map<string, unknown>([['application/json', {}]])
  const instance = { register (plugin: Plugin, options: FastifyPluginOptions) { registered.push({ plugin, options }) } } as unknown as FastifyInstance
  if (readable) Object.assign(instance, { [kHooks]: { onRoute }, [kParsers]: { customParsers: parsers } })
  return { instance, registered, onRoute, parsers }
}

const child = (name: string): FastifyInstance => ({ name }) as unknown as FastifyInstance

t.test('routes of one kind share a context; a route that arrives before it is made waits for it', async t => {
  const { instance, registered } = scope()
  const added: string[] = []
  const setups: string[] = []
  const setup = (c: FastifyInstance): void => { setups.push((c as unknown as { name: string }).name) }
  addToGroup(instance, {}, 'body', setup, c => { added.push(`a in ${(c as unknown as { name: string }).name}`) })
  addToGroup(instance, {}, 'body', setup, c => { added.push(`b in ${(c as unknown as { name: string }).name}`) })
  t.equal(registered.length, 1, 'one context for both')
  t.strictSame(added, [], 'nothing added before the context loads')
  await registered[0]?.plugin(child('c1'))
  t.strictSame(setups, ['c1'])
  t.strictSame(added, ['a in c1', 'b in c1'])
  addToGroup(instance, {}, 'body', setup, c => { added.push(`c in ${(c as unknown as { name: string }).name}`) })
  t.strictSame(added, ['a in c1', 'b in c1', 'c in c1'], 'added at once once the context exists')
  addToGroup(instance, {}, 'none', setup, () => {})
  addToGroup(instance, { prefix: '/v1' }, 'body', setup, () => {})
  addToGroup(instance, { prefix: '/v1', logLevel: 'warn' }, 'body', setup, () => {})
  t.equal(registered.length, 4, 'another kind, prefix or log level: another context')
  t.strictSame(registered.map(r => r.options), [{}, {}, { prefix: '/v1' }, { prefix: '/v1', logLevel: 'warn' }])
})

t.test('a scope that gained an onRoute hook or a parser gets a new context; log serializers are never shared', async t => {
  const { instance, registered, onRoute, parsers } = scope()
  addToGroup(instance, {}, 'body', () => {}, () => {})
  onRoute.push(() => {})
  addToGroup(instance, {}, 'body', () => {}, () => {})
  parsers.set('application/x-www-form-urlencoded', {})
  addToGroup(instance, {}, 'body', () => {}, () => {})
  parsers.set('application/x-www-form-urlencoded', {})
  addToGroup(instance, {}, 'body', () => {}, () => {})
  addToGroup(instance, {}, 'body', () => {}, () => {})
  t.equal(registered.length, 4, 'a new context for each change, then shared')
  // One parser removed and another added: as many parsers as before, not the same ones.
  parsers.delete('application/x-www-form-urlencoded')
  parsers.set('text/csv', {})
  addToGroup(instance, {}, 'body', () => {}, () => {})
  addToGroup(instance, {}, 'body', () => {}, () => {})
  t.equal(registered.length, 5, 'a parser swapped for another of a different type: a new context')
  const serializers = { req: () => 'r' }
  addToGroup(instance, { logSerializers: serializers }, 'body', () => {}, () => {})
  addToGroup(instance, { logSerializers: serializers }, 'body', () => {}, () => {})
  t.equal(registered.length, 7)
  t.equal(registered[6]?.options.logSerializers, serializers)
})

t.test('a scope whose hooks and parsers cannot be read gets a context per route', async t => {
  const { instance, registered } = scope(false)
  addToGroup(instance, {}, 'body', () => {}, () => {})
  addToGroup(instance, {}, 'body', () => {}, () => {})
  t.equal(registered.length, 2)
})
