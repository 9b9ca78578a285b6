/**
 * The dependencies of each plugin scope (see `dependencies()`), and those that apply to a
 * route registered in a given context.
 */
import type { FastifyInstance } from 'fastify'
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

/** Adds `deps` to the scope of `fastify` (the context `dependencies()` is registered in). */
export function addScopeDependencies (fastify: FastifyInstance, deps: readonly Dependency<unknown>[]): void {
  const own = scopes.get(fastify)
  if (own === undefined) scopes.set(fastify, [...deps])
  else own.push(...deps)
}
