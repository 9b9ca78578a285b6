/**
 * The request path of a route, in FastAPI's order (`get_request_handler` and
 * `solve_dependencies` in fastapi/routing.py and fastapi/dependencies/utils.py): the body is
 * parsed first (malformed JSON has already answered 422 `json_invalid`), then dependencies are
 * solved (each after its own parts are validated; a security dependency's `HttpError` ends the
 * request), then the route's own path, query, header, cookie and body are validated and every
 * problem found so far answers one 422; then the handler and one serializer call.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { HttpError, RequestValidationError } from '../responses/http-error.js'
import { DirectResponse } from '../responses/with-response.js'
import { toIssues } from '../validation/issues.js'
import { appendIssues } from '../validation/limits.js'
import type { BodyCheck } from '../validation/validate.js'
import { solveDependencies, type DependencyPlan } from './deps.js'
import type { DependencyChecks } from './dep-checks.js'
import { applyParts, sendDirect } from './send.js'
import { NonJsonBody, sentBody } from './body.js'
import { Context, RawBodyContext, parseCookies } from './context.js'
import { checkParts, type PartStep } from './parts.js'
import { routecraftErrorHandler } from './error-handler.js'
import { guarded, openTeardown } from './teardown.js'
import type { Operation } from '../declare/types.js'
import { hasNoBody } from '../common/http.js'

const NOT_FOUND = new HttpError(404, 'Not Found')
// With the charset, as Fastify sends JSON; Fastify then has nothing to append.
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8'

export type Serializer = (value: unknown) => string

export interface Validators {
  /** The route's own parameter parts (its dependencies check theirs while being solved). */
  readonly steps: readonly PartStep[]
  /** Whether the route or any dependency validates cookies (a copy is then made per request). */
  readonly cookies: boolean
  readonly body: BodyCheck | undefined
  /** The dependencies' own part checks, run while they are solved. */
  readonly dependencies: DependencyChecks | undefined
}

/**
 * Fastify's handler for a route. It is synchronous while everything the request runs is: it
 * sends the reply itself and returns nothing, so Fastify creates no promise and no microtask
 * for it. It returns a promise only from the first dependency or handler that returns one,
 * and returns `reply` when the user's handler answered through the escape hatch (Fastify then
 * waits for that reply to be sent). Errors thrown on either path reach the route's error
 * handler through Fastify (its try/catch, or the rejected promise).
 */
export type RouteHandler = (request: FastifyRequest, reply: FastifyReply) => FastifyReply | Promise<unknown> | undefined

/**
 * Builds Fastify's handler for a route from a few small factories, each deciding at compile
 * time what it can: the request then runs the same straight-line code, closure to closure
 * (`routecraftHandler` → `validateAndRun` → `run` → `finish`).
 */
export function makeHandler (
  op: Operation,
  plan: DependencyPlan | undefined,
  validators: Validators,
  byStatus: ReadonlyMap<number, Serializer>,
  fallback: Serializer,
  throwing: boolean
): RouteHandler {
  const finish = makeFinish(op.status, byStatus, fallback)
  const run = makeRun(op.handler as (ctx: Context) => unknown, finish)
  const validateAndRun = makeValidateAndRun(validators.steps, validators.body, throwing, run)
  return makeEntry(op, plan, validators, validateAndRun)
}

type Finish = (out: unknown, ctx: Context, reply: FastifyReply) => FastifyReply | undefined
type Step = (ctx: Context, request: FastifyRequest, reply: FastifyReply) => FastifyReply | Promise<unknown> | undefined

/** Sends what the user's handler returned. */
function makeFinish (defaultStatus: number, byStatus: ReadonlyMap<number, Serializer>, fallback: Serializer): Finish {
  const isEmpty = hasNoBody
  const serializerFor = (status: number): Serializer | undefined => isEmpty(status) ? undefined : byStatus.get(status) ?? fallback
  // Decided once for the declared status; only a status changed through ctx.response is looked up.
  const defaultSerializer = serializerFor(defaultStatus)
  return function finish (out, ctx, reply) {
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
}

/** Calls the user's handler, then sends what it returned (once it settles). */
function makeRun (userHandler: (ctx: Context) => unknown, finish: Finish): (ctx: Context, reply: FastifyReply) => FastifyReply | Promise<unknown> | undefined {
  return function run (ctx, reply) {
    const out = userHandler(ctx)
    if (out instanceof Promise) return out.then(value => finish(value, ctx, reply))
    return finish(out, ctx, reply)
  }
}

/** The route's own parts and body, after its dependencies: a 422 with every problem, or the handler. */
function makeValidateAndRun (steps: readonly PartStep[], vBody: BodyCheck | undefined, throwing: boolean, run: (ctx: Context, reply: FastifyReply) => FastifyReply | Promise<unknown> | undefined): Step {
  return function validateAndRun (ctx, request, reply) {
    let issues = ctx.issues
    if (steps.length > 0) issues = checkParts(steps, request, ctx.cookieJar, issues)
    if (vBody !== undefined) {
      const body = request.body
      if (body === undefined || body === null) {
        issues = appendIssues(issues, [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }])
      } else if (body instanceof NonJsonBody) {
        issues = appendIssues(issues, [{ type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from', input: body.bytes.toString('utf8') }])
      } else {
        const checked = vBody(body)
        if (checked.ok) request.body = checked.value
        else issues = appendIssues(issues, toIssues(checked.errors, ['body'], sentBody(request)))
      }
    }
    // Answered here, without an Error: creating one captures a stack trace nobody reads.
    if (issues !== undefined) {
      // Only an app's own error handler gets an error object.
      if (throwing) throw new RequestValidationError(issues)
      reply.code(422).send({ detail: issues })
      return undefined
    }
    return run(ctx, reply)
  }
}

/** The handler Fastify calls: the path check, the context, the dependencies, then `validateAndRun`. */
function makeEntry (op: Operation, plan: DependencyPlan | undefined, validators: Validators, validateAndRun: Step): RouteHandler {
  const pathParams = op.pathParams
  const defaultStatus = op.status
  const ContextClass = op.rawBody ? RawBodyContext : Context
  const dependencies = validators.dependencies

  return function routecraftHandler (request: FastifyRequest, reply: FastifyReply): FastifyReply | Promise<unknown> | undefined {
    // A path parameter never matches an empty segment (FastAPI/Starlette: 404).
    for (let i = 0; i < pathParams.length; i++) {
      if ((request.params as Record<string, string>)[pathParams[i] as string] === '') {
        routecraftErrorHandler(NOT_FOUND, request, reply)
        return undefined
      }
    }
    const ctx = new ContextClass(request, reply, cookieJar(validators.cookies, request), defaultStatus)
    if (plan === undefined) return validateAndRun(ctx, request, reply)
    return solveThen(plan, dependencies, ctx, request, reply, validateAndRun)
  }
}

/** Validation coerces cookies in place: a copy when anything validates them, never the object Fastify's cookie plugin keeps. */
export function cookieJar (needed: boolean, request: FastifyRequest): Record<string, string | undefined> | undefined {
  return needed ? { ...parseCookies(request) } : undefined
}

/**
 * Solves `plan` for one request, sets `ctx.deps`, then continues with `next`: synchronously
 * while every resolve is, from the first promise on asynchronously. Dependencies with teardown
 * get the request's stack, which records errors and unwinds after the response. The route's
 * handler and openapi()'s `protect` hook both solve through here.
 */
export function solveThen<R> (plan: DependencyPlan, checks: DependencyChecks | undefined, ctx: Context, request: FastifyRequest, reply: FastifyReply, next: (ctx: Context, request: FastifyRequest, reply: FastifyReply) => R): R | Promise<R> {
  if (!plan.teardown) return continueWith(solveDependencies(plan, ctx, checks), ctx, request, reply, next)
  const stack = ctx.teardown = openTeardown(request, reply)
  return guarded(stack, () => continueWith(solveDependencies(plan, ctx, checks), ctx, request, reply, next))
}

function continueWith<R> (deps: Record<string, unknown> | Promise<Record<string, unknown>>, ctx: Context, request: FastifyRequest, reply: FastifyReply, next: (ctx: Context, request: FastifyRequest, reply: FastifyReply) => R): R | Promise<R> {
  if (deps instanceof Promise) {
    return deps.then(value => {
      ctx.deps = value
      return next(ctx, request, reply)
    })
  }
  ctx.deps = deps
  return next(ctx, request, reply)
}
