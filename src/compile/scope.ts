/**
 * Dependencies of a plugin scope or of the whole app (FastAPI's `APIRouter(dependencies=…)`
 * and `FastAPI(dependencies=…)`): they run before every routecraft route registered in that
 * scope, after it, and their results are not exposed to handlers.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import { checkDeps } from '../declare/dependency.js'
import type { Dependency } from '../declare/types.js'

// Keyed by encapsulation context: Fastify makes each child context with Object.create(parent),
// so a route finds its scopes by walking its context's prototype chain.
const scopes = new WeakMap<object, Dependency<unknown>[]>()

/** The scope dependencies that apply to routes registered in `fastify`, outermost first. */
export function scopeDependencies (fastify: FastifyInstance): Dependency<unknown>[] {
  const chain: Dependency<unknown>[][] = []
  for (let ctx: object | null = fastify; ctx !== null && ctx !== Object.prototype; ctx = Object.getPrototypeOf(ctx) as object | null) {
    const own = scopes.get(ctx)
    if (own !== undefined) chain.unshift(own)
  }
  return chain.flat()
}

/**
 * Attaches dependencies to the plugin scope it is registered in (or to the whole app when
 * registered at the root): they run before every routecraft route registered after it in
 * that scope, typically as guards.
 *
 * @example
 * ```ts
 * app.register(async admin => {
 *   await admin.register(dependencies(currentAdmin))
 *   await admin.register(route({ method: 'GET', url: '/stats', handler: () => stats() }))
 * }, { prefix: '/admin' })
 * ```
 */
export function dependencies (...deps: Dependency<unknown>[]): FastifyPluginAsync {
  const list = Object.values(checkDeps(Object.fromEntries(deps.map((d, i) => [String(i), d])), 'dependencies()'))
  async function routecraftDependencies (fastify: FastifyInstance): Promise<void> {
    const own = scopes.get(fastify)
    if (own === undefined) scopes.set(fastify, [...list])
    else own.push(...list)
  }
  return fp(routecraftDependencies, { name: `routecraft-dependencies-${Math.random().toString(36).slice(2)}`, fastify: '5.x' })
}
