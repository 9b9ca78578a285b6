/**
 * Dependency solving, planned once per route: the graph is flattened into an ordered list
 * (sub-dependencies first), shared dependencies collapse into one node (FastAPI's
 * `use_cache=True`), and each request only walks that list.
 *
 * As FastAPI's `solve_dependencies`: each dependency's own request parts are validated just
 * before it would run (dep-checks.ts); a dependency whose parts, or any sub-dependency's, are
 * invalid is not run and its problems join the route's 422 list. The others run, so a security
 * dependency's `HttpError` answers before any of the route's own parts are looked at.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { TSchema } from '@sinclair/typebox'
import { routecraftError } from '../errors.js'
import { kDependency } from '../symbols.js'
import type { Dependency, DependencyRecord, SecurityRequirement } from '../declare/types.js'
import type { TemporalResponse } from '../responses/temporal.js'
import { enterGenerator, type TeardownStack } from './teardown.js'
import type { ValidationIssue } from '../validation/issues.js'
import type { Cookies } from './parts.js'
import { admit, gatherIssues, type Checking, type DependencyChecks } from './dep-checks.js'
import { NonJsonBody } from './body.js'
import { RequestParts } from './context.js'

/** One step of a plan. */
interface PlanNode {
  readonly record: DependencyRecord
  /** `record.resolve`, or for a dependency with teardown: resolve, then enter the generator. */
  readonly resolve: (ctx: DependencyContext, source: SolveSource) => unknown
  /** `[key, index of the node that provides it]` for the node's own deps. */
  readonly inputs: ReadonlyArray<readonly [string, number]>
}

/** What a route's dependencies need, worked out when the route is declared. */
export interface DependencyPlan {
  readonly nodes: readonly PlanNode[]
  /** `[key, node index]` for the route's own `deps`. */
  readonly outputs: ReadonlyArray<readonly [string, number]>
  /** Every record in the graph, each once: for schemas and security. */
  readonly records: readonly DependencyRecord[]
  /** Some dependency has teardown: each request needs a {@link TeardownStack}. */
  readonly teardown: boolean
  /** Whether any node validates cookies. */
  readonly cookies: boolean
  /** The nodes whose problems are reported, in order: the scope's dependencies, then the route's. */
  readonly roots: readonly number[]
}

/** Plans `deps`; `undefined` when there are none. Throws on a cycle. */
export function planDependencies (deps: Readonly<Record<string, Dependency<unknown>>>, where: string, scope: readonly Dependency<unknown>[] = []): DependencyPlan | undefined {
  const keys = Object.keys(deps)
  if (keys.length === 0 && scope.length === 0) return undefined
  const nodes: PlanNode[] = []
  const cached = new Map<DependencyRecord, number>()
  const records = new Set<DependencyRecord>()
  const visiting: DependencyRecord[] = []

  const visit = (record: DependencyRecord): number => {
    // dependency() freezes what it makes, so only a dependency object built by hand (with the
    // symbol read off a real one) can close a cycle: refuse it rather than overflow the stack.
    if (visiting.includes(record)) {
      const names = [...visiting.slice(visiting.indexOf(record)), record].map(r => r.name ?? `#${r.id}`)
      throw routecraftError('RC_ERR_DEPENDENCY_CYCLE', 'cycle', { where, names: names.join(' → ') })
    }
    if (record.cache) {
      const hit = cached.get(record)
      if (hit !== undefined) return hit
    }
    visiting.push(record)
    const inputs: Array<readonly [string, number]> = []
    for (const [key, dep] of Object.entries(record.deps)) inputs.push([key, visit(dep[kDependency])])
    visiting.pop()
    records.add(record)
    nodes.push({ record, inputs, resolve: record.teardown ? enterer(record) : record.resolve as unknown as PlanNode['resolve'] })
    const index = nodes.length - 1
    if (record.cache) cached.set(record, index)
    return index
  }

  // Scope dependencies (a plugin's or the app's) run first and are not exposed in ctx.deps,
  // as FastAPI's router- and app-level `dependencies=[...]`.
  const roots: number[] = []
  for (const dep of scope) roots.push(visit(dep[kDependency]))
  const outputs = keys.map(key => [key, visit((deps[key] as Dependency<unknown>)[kDependency])] as const)
  for (const [, at] of outputs) roots.push(at)
  return {
    nodes,
    outputs,
    records: [...records],
    teardown: nodes.some(n => n.record.teardown),
    cookies: nodes.some(n => n.record.cookies !== undefined),
    roots,
  }
}

/**
 * The security requirements of a plan, each scheme once, its scopes merged in order of first
 * appearance (FastAPI's `_get_openapi_security_definitions`); the last scheme object declared
 * under a name is the one documented.
 */
export function planSecurity (plan: DependencyPlan | undefined): SecurityRequirement[] {
  const byName = new Map<string, { scheme: SecurityRequirement['scheme']; scopes: string[] }>()
  for (const r of plan?.records ?? []) {
    const s = r.security
    if (s === undefined) continue
    const seen = byName.get(s.schemeName)
    if (seen === undefined) {
      byName.set(s.schemeName, { scheme: s.scheme, scopes: [...s.scopes] })
      continue
    }
    seen.scheme = s.scheme
    for (const scope of s.scopes) if (!seen.scopes.includes(scope)) seen.scopes.push(scope)
  }
  return [...byName].map(([schemeName, { scheme, scopes }]) => ({ schemeName, scheme, scopes }))
}

/**
 * The route's schema for one request part merged with its dependencies' (FastAPI flattens
 * dependency parameters into the operation). The route's own schema object is kept as it is
 * when no dependency adds to that part, so validators compiled for it are shared.
 */
export function mergePartSchemas (own: TSchema | undefined, part: 'params' | 'query' | 'headers' | 'cookies', plan: DependencyPlan | undefined): TSchema | undefined {
  const extra = (plan?.records ?? []).map(r => r[part]).filter((s): s is TSchema => s !== undefined && s !== own)
  if (extra.length === 0) return own
  const all = own === undefined ? extra : [own, ...extra]
  const properties: Record<string, unknown> = {}
  const required: string[] = []
  for (const schema of all) {
    for (const [name, prop] of Object.entries(schema.properties as Record<string, unknown>)) {
      // The first declaration of a name wins: the route's own, then dependencies in order.
      if (!(name in properties)) properties[name] = prop
    }
    for (const name of (schema.required as string[] | undefined) ?? []) if (!required.includes(name)) required.push(name)
  }
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}) } as unknown as TSchema
}

// ---------------------------------------------------------------------------------------------
// Solving
// ---------------------------------------------------------------------------------------------

/** What a resolving dependency reads; the route's context provides it. */
export interface SolveSource {
  readonly request: FastifyRequest
  readonly reply: FastifyReply
  readonly cookies: unknown
  readonly body: unknown
  readonly response: TemporalResponse
  /** Set for requests whose plan has dependencies with teardown. */
  readonly teardown?: TeardownStack
  /** The copy of the cookies that validation coerces, when anything validates cookies. */
  readonly cookieJar: Cookies
  /** Set by solving: the dependencies' problems, in FastAPI's order. */
  issues: ValidationIssue[] | undefined
}

/**
 * The context a dependency's resolve receives: its own deps, and the route's request read as
 * the handler's `ctx` reads it (params, query and headers from {@link RequestParts}). What it
 * reads through the route's context rather than the request: the cookies (parsed once per
 * request), the temporal response (one per request, whoever touches it) and the body, which
 * is not validated yet (FastAPI validates the route's body after its dependencies) and is the
 * bytes of a body that is not JSON.
 */
class DependencyContext extends RequestParts {
  readonly #source: SolveSource
  readonly deps: Record<string, unknown>
  constructor (source: SolveSource, deps: Record<string, unknown>) {
    super()
    this.#source = source
    this.deps = deps
  }

  get request (): FastifyRequest { return this.#source.request }
  get reply (): FastifyReply { return this.#source.reply }
  get cookies (): unknown { return this.#source.cookies }
  get response (): TemporalResponse { return this.#source.response }
  get body (): unknown {
    const body = this.#source.body
    return body instanceof NonJsonBody ? body.bytes : body
  }
}

const NO_DEPS: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>

/**
 * Solves `plan` for one request; returns the route's `deps` object — synchronously while every
 * resolve is synchronous (no promise, no microtask: the common case of guards and parsers), and
 * as a promise from the first resolve that returns one. Problems with the dependencies' own
 * parts are left in `source.issues` (the route answers 422 with them after its own checks).
 * `checks` are the plan's compiled dependency checks (compileDependencyChecks in dep-checks.ts).
 */
export function solveDependencies (plan: DependencyPlan, source: SolveSource, checks: DependencyChecks | undefined): Record<string, unknown> | Promise<Record<string, unknown>> {
  const values: unknown[] = new Array(plan.nodes.length)
  const checking: Checking | undefined = checks === undefined ? undefined : { checks, failed: new Uint8Array(plan.nodes.length), issues: undefined }
  for (let i = 0; i < plan.nodes.length; i++) {
    const node = plan.nodes[i] as PlanNode
    if (checking !== undefined && !admit(node, i, checking, source.request, source.cookieJar)) continue
    const value = resolveNode(node, values, source)
    if (value instanceof Promise) return finishAsync(plan, source, values, checking, i, value)
    values[i] = value
  }
  return outputs(plan, values, checking, source)
}

async function finishAsync (plan: DependencyPlan, source: SolveSource, values: unknown[], checking: Checking | undefined, from: number, pending: Promise<unknown>): Promise<Record<string, unknown>> {
  values[from] = await pending
  for (let i = from + 1; i < plan.nodes.length; i++) {
    const node = plan.nodes[i] as PlanNode
    if (checking !== undefined && !admit(node, i, checking, source.request, source.cookieJar)) continue
    let value = resolveNode(node, values, source)
    if (value instanceof Promise) value = await value
    values[i] = value
  }
  return outputs(plan, values, checking, source)
}

function resolveNode (node: PlanNode, values: unknown[], source: SolveSource): unknown {
  let deps = NO_DEPS
  if (node.inputs.length > 0) {
    deps = {}
    for (const [key, index] of node.inputs) deps[key] = values[index]
  }
  return node.resolve(new DependencyContext(source, deps), source)
}

/** Resolves a generator dependency: its first yield, the generator kept for teardown. */
function enterer (record: DependencyRecord): PlanNode['resolve'] {
  const where = `dependency ${record.name ?? `#${record.id}`}`
  return (ctx, source) => enterGenerator(record.resolve(ctx as never) as Parameters<typeof enterGenerator>[0], source.teardown as TeardownStack, where)
}

function outputs (plan: DependencyPlan, values: unknown[], checking: Checking | undefined, source: SolveSource): Record<string, unknown> {
  const found = checking?.issues
  if (found !== undefined) source.issues = gatherIssues(plan.nodes, plan.roots, found)
  const out: Record<string, unknown> = {}
  for (const [key, index] of plan.outputs) out[key] = values[index]
  return out
}
