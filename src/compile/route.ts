/**
 * The route compiler: an Operation → the Fastify route that serves it.
 *
 * Everything that can be decided once is decided here, when the route is declared: the
 * dependency plan, merged request-part schemas, compiled validators, response serializers.
 * A request then runs validation (every part, so that all problems are reported together as
 * FastAPI does), dependencies, the handler and one serializer call.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { TSchema } from '@sinclair/typebox'
import type { ValidateFunction } from 'ajv'
import fastJsonStringify from 'fast-json-stringify'
import { kOperation } from '../symbols.js'
import { compileBodyValidator, compileValidator, type Part } from '../validation/validate.js'
import { prepareSchema } from '../validation/schema.js'
import { mergePartSchemas, planDependencies, planSecurity, type DependencyPlan } from './deps.js'
import { scopeDependencies } from './scope.js'
import { serializeJson } from '../responses/serialize.js'
import { registryFor } from './registry.js'
import { toOpenApiPath } from '../declare/url.js'
import { configureBodyParsers } from './body.js'
import { routeErrorHandler } from './error-handler.js'
import { makeHandler, type RouteHandler, type Serializer, type Validators } from './handler.js'
import type { Dependency, Operation, RegistryEntry, RoutePlugin } from '../declare/types.js'

function compileSerializer (schema: TSchema): Serializer {
  return fastJsonStringify(prepareSchema(schema).schema as object) as Serializer
}

function autoParams (pathParams: readonly string[]): TSchema | undefined {
  if (pathParams.length === 0) return undefined
  const properties: Record<string, unknown> = {}
  for (const name of pathParams) properties[name] = { type: 'string' }
  return { type: 'object', properties, required: [...pathParams] } as unknown as TSchema
}

/** The inputs a route validates and documents: its own schemas merged with its dependencies'. */
export function routeInputs (op: Operation, plan: DependencyPlan | undefined): RegistryEntry['inputs'] {
  const out: { params?: TSchema; query?: TSchema; headers?: TSchema; cookies?: TSchema } = {}
  const params = mergePartSchemas(op.params ?? autoParams(op.pathParams), 'params', plan)
  const query = mergePartSchemas(op.query, 'query', plan)
  const headers = mergePartSchemas(op.headers, 'headers', plan)
  const cookies = mergePartSchemas(op.cookies, 'cookies', plan)
  if (params !== undefined) out.params = params
  if (query !== undefined) out.query = query
  if (headers !== undefined) out.headers = headers
  if (cookies !== undefined) out.cookies = cookies
  return out
}

interface Prepared {
  readonly handler: RouteHandler
  readonly inputs: RegistryEntry['inputs']
  readonly security: RegistryEntry['security']
}

/** Plans dependencies, merges and compiles validators, builds the handler. */
function prepare (op: Operation, where: string, scope: readonly Dependency<unknown>[], byStatus: ReadonlyMap<number, Serializer>, fallback: Serializer): Prepared {
  const plan = planDependencies(op.deps, where, scope)
  const inputs = routeInputs(op, plan)
  const steps: Array<[Part, ValidateFunction, (req: FastifyRequest, cookies: Record<string, string | undefined> | undefined) => unknown]> = []
  if (inputs.params !== undefined) steps.push(['path', compileValidator(inputs.params, 'path'), req => req.params])
  if (inputs.query !== undefined) steps.push(['query', compileValidator(inputs.query, 'query'), req => req.query])
  if (inputs.headers !== undefined) steps.push(['header', compileValidator(inputs.headers, 'header'), req => req.headers])
  if (inputs.cookies !== undefined) steps.push(['cookie', compileValidator(inputs.cookies, 'cookie'), (_req, cookies) => cookies])
  const validators: Validators = {
    steps,
    cookies: inputs.cookies !== undefined,
    body: op.body === undefined ? undefined : compileBodyValidator(op.body),
  }
  return { handler: makeHandler(op, plan, validators, byStatus, fallback), inputs, security: planSecurity(plan) }
}

/** Compiles the Operation of a route into a Fastify plugin. */
export function compileRoute (op: Operation, where: string): RoutePlugin {
  const fallback: Serializer = op.response === undefined ? serializeJson : compileSerializer(op.response)
  const byStatus = new Map<number, Serializer>()
  for (const [key, spec] of Object.entries(op.responses)) {
    if (/^\d+$/.test(key) && spec.schema !== undefined) byStatus.set(Number(key), compileSerializer(spec.schema))
  }
  if (op.response !== undefined && !byStatus.has(op.status)) byStatus.set(op.status, fallback)
  // Compiled now, so that mistakes surface at declaration; again at registration only when
  // the plugin scope adds dependencies of its own.
  const unscoped = prepare(op, where, [], byStatus, fallback)

  const plugin = async function routecraftRoute (fastify: FastifyInstance): Promise<void> {
    const scope = scopeDependencies(fastify)
    const prepared = scope.length === 0 ? unscoped : prepare(op, where, scope, byStatus, fallback)
    configureBodyParsers(fastify, op)
    fastify.route({
      method: [...op.methods],
      url: op.url,
      handler: prepared.handler,
      errorHandler: routeErrorHandler,
      config: { [kOperation]: op } as object,
    })
    registryFor(fastify.server).push({ op, path: toOpenApiPath(fastify.prefix + op.url), inputs: prepared.inputs, security: prepared.security })
  }
  Object.defineProperty(plugin, kOperation, { value: op, enumerable: false })
  Object.defineProperty(plugin, 'name', { value: `routecraft ${op.methods.join(',')} ${op.url}` })
  // Fastify otherwise derives a plugin's name by scanning require.cache, once per route at start-up.
  Object.defineProperty(plugin, Symbol.for('fastify.display-name'), { value: plugin.name })
  return plugin as unknown as RoutePlugin
}

