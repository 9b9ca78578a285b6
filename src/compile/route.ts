/**
 * The route compiler: an Operation → the Fastify route that serves it.
 *
 * Everything that can be decided once is decided here, when the route is declared: the
 * dependency plan, merged request-part schemas, compiled validators, response serializers.
 * A request then runs validation (every part, so that all problems are reported together as
 * FastAPI does), dependencies, the handler and one serializer call.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TSchema } from '@sinclair/typebox'
import type { ValidateFunction } from 'ajv'
import fastJsonStringify from 'fast-json-stringify'
import { parseCookie } from 'cookie'
import secureJson from 'secure-json-parse'
import { HttpError, RoutecraftError } from '../errors.js'
import { kOperation } from '../symbols.js'
import { compileBodyValidator, compileValidator, prepareSchema, toIssues, type BodyCheck, type Part, type ValidationIssue } from './validation.js'
import { jsonErrorOffset } from './json-offset.js'
import { mergePartSchemas, planDependencies, planSecurity, solveDependencies, type DependencyPlan } from './deps.js'
import { scopeDependencies } from './scope.js'
import { applyParts, sendDirect } from './send.js'
import { TemporalResponse } from '../responses/temporal.js'
import { DirectResponse } from '../responses/with-response.js'
import { serializeJson } from './serialize.js'
import { registryFor, toOpenApiPath, type RegistryEntry } from '../openapi/registry.js'
import type { Operation } from '../declare/operation.js'
import type { Dependency, RoutePlugin } from '../declare/types.js'

// ---------------------------------------------------------------------------------------------
// Request-time errors
// ---------------------------------------------------------------------------------------------

/** A body that is not what the route takes, found while parsing. */
class BodyError extends Error {
  constructor (readonly status: number, readonly detail: unknown) {
    super(typeof detail === 'string' ? detail : 'Invalid body')
  }
}

function sentBody (request: FastifyRequest): { value: unknown } {
  // Set by parseJson for every body that reaches validation (empty bodies stop earlier).
  return { value: JSON.parse((request as unknown as Record<symbol, string>)[kBodyText] as string) }
}

/** A body that was not sent as JSON, kept so validation can report it as FastAPI does. */
class NonJsonBody {
  constructor (readonly bytes: Buffer) {}
}

const NOT_FOUND = new HttpError(404, 'Not Found')
// With the charset, as Fastify sends JSON; Fastify then has nothing to append.
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8'

// ---------------------------------------------------------------------------------------------
// Body parsers (per route: each route plugin is its own encapsulation context)
// ---------------------------------------------------------------------------------------------

// The body's text, kept on the request so that a failing validation can report each input as
// it was sent (Ajv's data has defaults and removals applied). Only the failure path reads it.
const kBodyText = Symbol('routecraft.bodyText')

const JSON_TYPE = /^application\/(?:[^;\s/]+\+)?json(?:\s*;|$)/i

function parseJson (req: FastifyRequest, text: string, done: (err: Error | null, body?: unknown) => void): void {
  if (text.length === 0) { done(null, undefined); return }
  ;(req as unknown as Record<symbol, string>)[kBodyText] = text
  let value: unknown
  try {
    value = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' })
  } catch (err) {
    if (err instanceof SyntaxError && /forbidden prototype property/.test(err.message)) {
      done(new BodyError(400, 'Object contains forbidden prototype property'))
      return
    }
    const pos = jsonErrorOffset(text)
    done(new BodyError(422, [{ type: 'json_invalid', loc: ['body', pos], msg: 'JSON decode error', input: {}, ctx: { error: (err as Error).message } }]))
    return
  }
  done(null, value)
}

function configureBodyParsers (fastify: FastifyInstance, op: Operation): void {
  fastify.removeAllContentTypeParsers()
  if (op.rawBody) {
    fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => { done(null, body) })
  } else if (op.body !== undefined) {
    fastify.addContentTypeParser(JSON_TYPE, { parseAs: 'string' }, parseJson)
    fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => { done(null, new NonJsonBody(body as Buffer)) })
  } else {
    // FastAPI ignores the body of an operation that declares none; the size limit still holds.
    fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, _body, done) => { done(null, undefined) })
  }
}

// ---------------------------------------------------------------------------------------------
// Error handler
// ---------------------------------------------------------------------------------------------

/** Turns any error of a routecraft route into FastAPI's `{ "detail": … }` shape. */
export function routeErrorHandler (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof HttpError) {
    for (const [name, value] of Object.entries(error.headers)) reply.header(name, value)
    return reply.code(error.status).send({ detail: error.detail })
  }
  if (error instanceof BodyError) return reply.code(error.status).send({ detail: error.detail })
  const { statusCode: status, code } = error as FastifyError & { expose?: unknown }
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send({ detail: 'Content Too Large' })
  // Only Fastify's own request errors (FST_ERR_*) and errors marked safe to show (the
  // http-errors convention, `expose: true`) keep their message; any other error may carry
  // internal details, whatever status it claims.
  const exposable = (typeof code === 'string' && code.startsWith('FST_ERR_')) || (error as { expose?: unknown }).expose === true
  if (exposable && typeof status === 'number' && status >= 400 && status < 500) {
    return reply.code(status).send({ detail: error.message })
  }
  request.log.error({ err: error }, 'routecraft: unhandled error in route')
  return reply.code(500).send({ detail: 'Internal Server Error' })
}

// ---------------------------------------------------------------------------------------------
// The handler's context
// ---------------------------------------------------------------------------------------------

const NO_DEPS = Object.freeze({})

function parseCookies (request: FastifyRequest): Record<string, string | undefined> {
  const parsed = (request as unknown as { cookies?: Record<string, string> }).cookies
  if (parsed !== undefined) return parsed
  const header = request.headers.cookie
  if (header === undefined || header === '') return {}
  // The cookie package never throws on a string header (malformed pairs are skipped).
  return parseCookie(header)
}

/** `ctx`: reads from the request, creates the temporal response on first use. */
export class Context {
  deps: Record<string, unknown> = NO_DEPS
  #response: TemporalResponse | undefined
  #cookies: Record<string, string | undefined> | undefined
  readonly #status: number
  constructor (readonly request: FastifyRequest, readonly reply: FastifyReply, cookies: Record<string, string | undefined> | undefined, status: number) {
    this.#cookies = cookies
    this.#status = status
  }

  get params (): unknown { return this.request.params }
  get query (): unknown { return this.request.query }
  get headers (): unknown { return this.request.headers }
  get body (): unknown { return this.request.body }
  get cookies (): Record<string, string | undefined> { return (this.#cookies ??= parseCookies(this.request)) }
  get response (): TemporalResponse { return (this.#response ??= new TemporalResponse(this.#status)) }
  /** The temporal response if anything touched it. */
  get touched (): TemporalResponse | undefined { return this.#response }
}

class RawBodyContext extends Context {
  override get body (): Buffer { return (this.request.body as Buffer | undefined) ?? Buffer.alloc(0) }
}

// ---------------------------------------------------------------------------------------------
// Compilation
// ---------------------------------------------------------------------------------------------

type Serializer = (value: unknown) => string


function compileSerializer (schema: TSchema): Serializer {
  return fastJsonStringify(prepareSchema(schema).schema as object) as Serializer
}

interface Validators {
  readonly steps: ReadonlyArray<readonly [Part, ValidateFunction, (req: FastifyRequest, cookies: Record<string, string | undefined> | undefined) => unknown]>
  readonly cookies: boolean
  readonly body: BodyCheck | undefined
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

/**
 * Fastify's handler for a route. It is synchronous while everything the request runs is: it
 * sends the reply itself and returns nothing, so Fastify creates no promise and no microtask
 * for it. It returns a promise only from the first dependency or handler that returns one,
 * and returns `reply` when the user's handler answered through the escape hatch (Fastify then
 * waits for that reply to be sent). Errors thrown on either path reach the route's error
 * handler through Fastify (its try/catch, or the rejected promise).
 */
type RouteHandler = (request: FastifyRequest, reply: FastifyReply) => FastifyReply | Promise<unknown> | undefined

function makeHandler (
  op: Operation,
  plan: DependencyPlan | undefined,
  validators: Validators,
  byStatus: ReadonlyMap<number, Serializer>,
  fallback: Serializer
): RouteHandler {
  const { steps, body: vBody } = validators
  const pathParams = op.pathParams
  const defaultStatus = op.status
  const userHandler = op.handler as (ctx: Context) => unknown
  const ContextClass = op.rawBody ? RawBodyContext : Context
  const isEmpty = (status: number): boolean => status === 204 || status === 304 || status < 200
  const serializerFor = (status: number): Serializer | undefined => isEmpty(status) ? undefined : byStatus.get(status) ?? fallback
  // Decided once for the declared status; only a status changed through ctx.response is looked up.
  const defaultSerializer = serializerFor(defaultStatus)

  /** Sends what the user's handler returned. */
  function finish (out: unknown, ctx: Context, reply: FastifyReply): FastifyReply | undefined {
    // The escape hatch: the handler returned reply (Fastify waits for its send), or sent it.
    if (out === reply) return reply
    if (reply.sent) return undefined
    if (out instanceof DirectResponse) {
      sendDirect(reply, out, ctx.touched)
      return undefined
    }
    const temporal = ctx.touched
    const status = temporal === undefined ? defaultStatus : temporal.status
    const serialize = status === defaultStatus ? defaultSerializer : serializerFor(status)
    // Serialize before writing any header, so that a failure leaves a clean 500.
    const payload = serialize === undefined ? undefined : serialize(out)
    if (temporal !== undefined) applyParts(reply, temporal)
    if (status !== 200) reply.code(status)
    if (payload === undefined) reply.send()
    else reply.type(JSON_CONTENT_TYPE).send(payload)
    return undefined
  }

  function run (ctx: Context, reply: FastifyReply): FastifyReply | Promise<unknown> | undefined {
    const out = userHandler(ctx)
    if (out instanceof Promise) return out.then(value => finish(value, ctx, reply))
    return finish(out, ctx, reply)
  }

  return function routecraftHandler (request: FastifyRequest, reply: FastifyReply): FastifyReply | Promise<unknown> | undefined {
    // A path parameter never matches an empty segment (FastAPI/Starlette: 404).
    for (let i = 0; i < pathParams.length; i++) {
      if ((request.params as Record<string, string>)[pathParams[i] as string] === '') {
        routeErrorHandler(NOT_FOUND, request, reply)
        return undefined
      }
    }
    let cookies: Record<string, string | undefined> | undefined
    let issues: ValidationIssue[] | undefined
    if (steps.length > 0) {
      if (validators.cookies) cookies = { ...parseCookies(request) }
      for (let i = 0; i < steps.length; i++) {
        const [part, check, pick] = steps[i] as Validators['steps'][number]
        if (!check(pick(request, cookies))) (issues ??= []).push(...toIssues(check.errors, [part]))
      }
    }
    if (vBody !== undefined) {
      const body = request.body
      if (body === undefined || body === null) {
        (issues ??= []).push({ type: 'missing', loc: ['body'], msg: 'Field required', input: null })
      } else if (body instanceof NonJsonBody) {
        (issues ??= []).push({ type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from', input: body.bytes.toString('utf8') })
      } else {
        const checked = vBody(body)
        if (checked.ok) request.body = checked.value
        else (issues ??= []).push(...toIssues(checked.errors, ['body'], sentBody(request)))
      }
    }
    // Answered here, without an Error: creating one captures a stack trace nobody reads.
    if (issues !== undefined) {
      reply.code(422).send({ detail: issues })
      return undefined
    }

    const ctx = new ContextClass(request, reply, cookies, defaultStatus)
    if (plan !== undefined) {
      const deps = solveDependencies(plan, ctx)
      if (deps instanceof Promise) {
        return deps.then(value => {
          ctx.deps = value
          return run(ctx, reply)
        })
      }
      ctx.deps = deps
    }
    return run(ctx, reply)
  }
}

export { RoutecraftError }
