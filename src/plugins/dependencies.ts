/**
 * Dependencies of a plugin scope or of the whole app (FastAPI's `APIRouter(dependencies=…)`
 * and `FastAPI(dependencies=…)`): they run before every routecraft route registered in that
 * scope, after it, and their results are not exposed to handlers.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import { checkDeps } from '../declare/dependency.js'
import { addScopeDependencies } from '../compile/scope.js'
import type { Dependency } from '../declare/types.js'

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
    addScopeDependencies(fastify, list)
  }
  return fp(routecraftDependencies, { name: `routecraft-dependencies-${Math.random().toString(36).slice(2)}`, fastify: '5.x' })
}
