/**
 * dependency(): FastAPI's `Depends`.
 */
import { routecraftError } from '../errors.js'
import { kDependency } from '../symbols.js'
import { checkKeys, checkSchema } from './checks.js'
import { guardDeclaration } from './json.js'
import { handlerName } from './names.js'
import { keySet } from '../common/objects.js'
import type { Dependency, DependencyDeclaration, DependencyRecord, DependencyValue, DepsMap, SchemaSlot, SecurityRequirement } from './types.js'

// Every option of DependencyDeclaration, checked by the compiler against the type.
const KEYS = keySet<DependencyDeclaration<unknown, SchemaSlot, SchemaSlot, SchemaSlot, SchemaSlot, DepsMap>>({
  name: true, deps: true, params: true, query: true, headers: true, cookies: true, cache: true, resolve: true,
})
let nextId = 1
// The constructors of `function*` and `async function*`: a resolve written as one has teardown.
const GeneratorFunction = Object.getPrototypeOf(function * () {}).constructor as FunctionConstructor
const AsyncGeneratorFunction = Object.getPrototypeOf(async function * () {}).constructor as FunctionConstructor

/** Whether `fn` is a `function*` or an `async function*`: a resolve with teardown. */
export function isGeneratorFunction (fn: unknown): boolean {
  return (fn as object) instanceof GeneratorFunction || (fn as object) instanceof AsyncGeneratorFunction
}

/** Whether `fn` is an `async function*` (a resolve with teardown whose steps may wait). */
export function isAsyncGeneratorFunction (fn: unknown): boolean {
  return (fn as object) instanceof AsyncGeneratorFunction
}

/** Whether `value` is a dependency. */
export function isDependency (value: unknown): value is Dependency<unknown> {
  return typeof value === 'object' && value !== null && kDependency in value
}

/** Throws unless every value of `deps` is a dependency; returns a frozen copy. */
export function checkDeps (deps: unknown, where: string): Readonly<Record<string, Dependency<unknown>>> {
  if (deps === undefined) return {}
  if (typeof deps !== 'object' || deps === null || Array.isArray(deps)) {
    throw routecraftError('RC_ERR_DEPENDENCY_SHAPE', 'deps', { where })
  }
  const out: Record<string, Dependency<unknown>> = {}
  for (const [key, dep] of Object.entries(deps)) {
    if (!isDependency(dep)) {
      throw routecraftError('RC_ERR_DEPENDENCY_SHAPE', 'notDependency', { where, key })
    }
    out[key] = dep
  }
  return Object.freeze(out)
}

/**
 * Declares a dependency: `resolve(ctx)` runs before the handler, after its own `deps`; its
 * request-part schemas are validated with the route's and documented in every operation that
 * uses it. Solved once per request even when used several times (`cache: false` opts out).
 * A thrown `HttpError` becomes the response. A `resolve` written as an (async) generator
 * function has teardown (FastAPI's `yield`): its first yield is the value, the rest runs after
 * the response, with the handler's error thrown in at the `yield` if it failed.
 *
 * @example
 * ```ts
 * const db = dependency({ resolve: async function * db () {
 *   const tx = await pool.begin()
 *   try { yield tx; await tx.commit() } catch (err) { await tx.rollback(); throw err }
 * } })
 * const currentUser = dependency({
 *   deps: { credentials: basicAuth() },
 *   resolve: ({ deps }) => deps.credentials.username,
 * })
 * route({ method: 'GET', url: '/me', deps: { user: currentUser }, handler: ({ deps }) => ({ user: deps.user }) })
 * ```
 */
export function dependency<T, P extends SchemaSlot = undefined, Q extends SchemaSlot = undefined, H extends SchemaSlot = undefined, C extends SchemaSlot = undefined, D extends DepsMap = Record<never, never>> (
  decl: DependencyDeclaration<T, P, Q, H, C, D>
): Dependency<DependencyValue<T>> {
  return guardDeclaration('dependency()', () => createDependency(decl as unknown as DependencyDeclaration<T, SchemaSlot, SchemaSlot, SchemaSlot, SchemaSlot, DepsMap>, undefined))
}

/** Builds a dependency; `security` is set by security builders such as basicAuth(). */
export function createDependency<T> (decl: DependencyDeclaration<T, SchemaSlot, SchemaSlot, SchemaSlot, SchemaSlot, DepsMap>, security: SecurityRequirement | undefined): Dependency<DependencyValue<T>> {
  if (typeof decl !== 'object' || decl === null) throw routecraftError('RC_ERR_DEPENDENCY_NO_RESOLVE', 'noDeclaration')
  if (decl.name !== undefined && typeof decl.name !== 'string') throw routecraftError('RC_ERR_DEPENDENCY_SHAPE', 'name')
  const where = `dependency ${decl.name ?? handlerName(decl.resolve) ?? '(anonymous)'}`
  checkKeys(decl, KEYS, where, 'RC_ERR_DEPENDENCY_SHAPE')
  if (typeof decl.resolve !== 'function') throw routecraftError('RC_ERR_DEPENDENCY_NO_RESOLVE', 'resolve', { where })
  if (decl.cache !== undefined && typeof decl.cache !== 'boolean') throw routecraftError('RC_ERR_DEPENDENCY_SHAPE', 'boolean', { where, option: 'cache' })
  const record: DependencyRecord = Object.freeze({
    id: nextId++,
    name: decl.name ?? handlerName(decl.resolve),
    deps: checkDeps(decl.deps, where),
    params: checkSchema(decl.params, 'params', where, true),
    query: checkSchema(decl.query, 'query', where, true),
    headers: checkSchema(decl.headers, 'headers', where, true),
    cookies: checkSchema(decl.cookies, 'cookies', where, true),
    cache: decl.cache ?? true,
    security,
    teardown: isGeneratorFunction(decl.resolve),
    resolve: decl.resolve as (ctx: never) => unknown,
  })
  return Object.freeze({ [kDependency]: record }) as Dependency<DependencyValue<T>>
}
