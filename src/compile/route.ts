/**
 * The route compiler: an Operation → the Fastify route that serves it.
 *
 * Decided when the route is declared: the dependency plan, the merged request-part schemas and
 * the cheap checks of every schema. Compiled on the route's first request (once): validators
 * and response serializers, so that an app with many routes starts in the time its routes
 * take to register. A request then runs dependencies and validation in FastAPI's order (see
 * handler.ts), the handler and one serializer call.
 */
import type { FastifyInstance, FastifyPluginOptions } from 'fastify'
import type { TSchema } from '@sinclair/typebox'
import { kOperation } from '../symbols.js'
import { PLAIN_SCHEMA, recordSchemaFacts } from '../common/schemas.js'
import { compileBodyValidator, compileSerializer } from '../validation/validate.js'
import { partSteps } from './parts.js'
import { compileDependencyChecks } from './dep-checks.js'
import { prepareSchema } from '../validation/schema.js'
import { externalRefs, withSchemas } from '../validation/refs.js'
import type { RoutecraftError } from '../errors.js'
import { mergePartSchemas, planDependencies, planSecurity, type DependencyPlan } from './deps.js'
import { scopeDependencies } from './scope.js'
import { serializeJson } from '../responses/serialize.js'
import { markPlugin, registryFor } from './registry.js'
import { toOpenApiPath } from '../declare/url.js'
import { bodyKind, configureBodyParsers } from './body.js'
import { addToGroup } from './group.js'
import { appHandlesErrors, routecraftErrorHandler } from './error-handler.js'
import { makeHandler, type RouteHandler, type Serializer, type Validators } from './handler.js'
import { replaceHandler } from './swap.js'
import type { Operation, RegistryEntry, RoutePlugin } from '../declare/types.js'

// The path-parameter schema of a route that declares none: made once per Operation, so that
// the document and every compilation share one object (and Ajv's cache, which goes by object).
const autoParamsOf = new WeakMap<Operation, TSchema>()

/** The route's own path-parameter schema: the declared one, or strings for the URL's parameters. */
function ownParams (op: Operation): TSchema | undefined {
  if (op.params !== undefined || op.pathParams.length === 0) return op.params
  let schema = autoParamsOf.get(op)
  if (schema === undefined) {
    const properties: Record<string, unknown> = {}
    for (const name of op.pathParams) properties[name] = { type: 'string' }
    const built = { type: 'object', properties, required: [...op.pathParams] }
    // Built here, of typed properties only: nothing for the later steps to walk.
    recordSchemaFacts(built, PLAIN_SCHEMA)
    autoParamsOf.set(op, schema = built as unknown as TSchema)
  }
  return schema
}

/** The inputs a route validates and documents: its own schemas merged with its dependencies'. */
export function routeInputs (op: Operation, plan: DependencyPlan | undefined): RegistryEntry['inputs'] {
  const out: { params?: TSchema; query?: TSchema; headers?: TSchema; cookies?: TSchema } = {}
  const params = mergePartSchemas(ownParams(op), 'params', plan)
  const query = mergePartSchemas(op.query, 'query', plan)
  const headers = mergePartSchemas(op.headers, 'headers', plan)
  const cookies = mergePartSchemas(op.cookies, 'cookies', plan)
  if (params !== undefined) out.params = params
  if (query !== undefined) out.query = query
  if (headers !== undefined) out.headers = headers
  if (cookies !== undefined) out.cookies = cookies
  return out
}

interface Serializers {
  readonly byStatus: ReadonlyMap<number, Serializer>
  readonly fallback: Serializer
}

function compileSerializers (op: Operation): Serializers {
  const fallback: Serializer = op.response === undefined ? serializeJson : compileSerializer(op.response)
  const byStatus = new Map<number, Serializer>()
  for (const [key, spec] of Object.entries(op.responses)) {
    if (/^\d+$/.test(key) && spec.schema !== undefined) byStatus.set(Number(key), compileSerializer(spec.schema))
  }
  if (op.response !== undefined && !byStatus.has(op.status)) byStatus.set(op.status, fallback)
  return { byStatus, fallback }
}

/** The route's own parts (each dependency validates its own while being solved) and body. */
function compileValidators (op: Operation, plan: DependencyPlan | undefined): Validators {
  return {
    steps: partSteps({ params: ownParams(op), query: op.query, headers: op.headers, cookies: op.cookies }),
    cookies: op.cookies !== undefined || plan?.cookies === true,
    body: op.body === undefined ? undefined : compileBodyValidator(op.body),
    dependencies: plan === undefined ? undefined : compileDependencyChecks(plan.nodes),
  }
}

/** Every schema an operation validates or serializes with (its request parts as merged with its dependencies'). */
function schemasOf (op: Operation, inputs: RegistryEntry['inputs']): TSchema[] {
  const out: TSchema[] = []
  for (const schema of [inputs.params, inputs.query, inputs.headers, inputs.cookies, op.body, op.response]) if (schema !== undefined) out.push(schema)
  for (const spec of Object.values(op.responses)) if (spec.schema !== undefined) out.push(spec.schema)
  return out
}

/**
 * A handler compiled on its first call: until then the route costs its registration only.
 * Compiling is synchronous, so requests that arrive together share the one compilation (the
 * first compiles, the others find it done). The compiled handler then takes the place of this
 * one in the route, so that later requests run it directly, without a call in between. A
 * compilation that throws (a schema only Ajv itself refuses) answers that request with the
 * route's 500 and is tried again on the next.
 */
function compileOnFirstUse (build: () => RouteHandler): RouteHandler {
  let compiled: RouteHandler | undefined
  return function routecraftFirstUse (request, reply) {
    compiled ??= build()
    replaceHandler(request, compiled)
    return compiled(request, reply)
  }
}

/** Compiles the Operation of a route into a Fastify plugin. */
export function compileRoute (op: Operation, where: string): RoutePlugin {
  // Planned and checked now, so that mistakes surface at declaration (again at registration
  // only when the plugin scope adds dependencies of its own); compiled on first use.
  const unscopedPlan = planDependencies(op.deps, where, [])
  const unscopedInputs = routeInputs(op, unscopedPlan)
  // A reference to a schema only the app has (app.addSchema) is checked at registration,
  // where the app's schemas are known, and compiled with them.
  let appRefs = false
  try {
    withSchemas(undefined, where, () => { for (const schema of schemasOf(op, unscopedInputs)) prepareSchema(schema) })
  } catch (err) {
    if ((err as RoutecraftError).code !== 'RC_ERR_ROUTE_SCHEMA_REF') throw err
    appRefs = true
  }
  let serializers: Serializers | undefined
  // `throwing`: request validation errors go to the app's own error handler as errors.
  const build = (plan: DependencyPlan | undefined, throwing: boolean, schemas: Readonly<Record<string, unknown>> | undefined) => (): RouteHandler => withSchemas(schemas, where, () => {
    const { byStatus, fallback } = schemas === undefined ? (serializers ??= compileSerializers(op)) : compileSerializers(op)
    return makeHandler(op, plan, compileValidators(op, plan), byStatus, fallback, throwing)
  })
  // Shared by every registration without scope dependencies: one compilation for all of them
  // (one for apps with an error handler of their own, one for the others).
  const unscopedHandlers: Array<RouteHandler | undefined> = [undefined, undefined]

  const plugin = async function routecraftRoute (fastify: FastifyInstance, options: FastifyPluginOptions): Promise<void> {
    const scope = scopeDependencies(fastify)
    const plan = scope.length === 0 ? unscopedPlan : planDependencies(op.deps, where, scope)
    const inputs = scope.length === 0 ? unscopedInputs : routeInputs(op, plan)
    // The app's own error handler, when it has one, receives every error of the route (as
    // with any Fastify route); otherwise routecraft answers in FastAPI's shapes.
    const appHandles = appHandlesErrors(fastify)
    const schemas = appRefs ? fastify.getSchemas() as Record<string, unknown> : undefined
    const refs = new Map<string, TSchema>()
    withSchemas(schemas, where, () => {
      for (const schema of schemasOf(op, inputs)) {
        if (appRefs) prepareSchema(schema)
        for (const [id, target] of externalRefs(schema).found) refs.set(id, target)
      }
    })
    const handler = scope.length === 0 && !appRefs
      ? (unscopedHandlers[Number(appHandles)] ??= compileOnFirstUse(build(plan, appHandles, undefined)))
      : compileOnFirstUse(build(plan, appHandles, schemas))
    const security = planSecurity(plan)
    addToGroup(fastify, options, bodyKind(op), context => { configureBodyParsers(context, op) }, context => {
      context.route({
        method: [...op.methods],
        url: op.url,
        handler,
        ...(appHandles ? {} : { errorHandler: routecraftErrorHandler }),
        config: { [kOperation]: op } as object,
      })
      registryFor(context.server).push({ op, path: toOpenApiPath(context.prefix + op.url), inputs, security, refs: [...refs.values()] })
    })
  }
  markPlugin(plugin, op, `routecraft ${op.methods.join(',')} ${op.url}`)
  // No context of its own: the route joins the one its scope shares (see group.ts).
  Object.defineProperty(plugin, Symbol.for('skip-override'), { value: true })
  return plugin as unknown as RoutePlugin
}

