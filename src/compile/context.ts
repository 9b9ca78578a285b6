/**
 * The handler's context (`ctx`): the request parts, `deps`, the temporal response.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { parseCookie } from 'cookie'
import { TemporalResponse } from '../responses/temporal.js'
import type { TeardownStack } from './teardown.js'
import type { ValidationIssue } from '../validation/issues.js'


const NO_DEPS = Object.freeze({})

export function parseCookies (request: FastifyRequest): Record<string, string | undefined> {
  const parsed = (request as unknown as { cookies?: Record<string, string> }).cookies
  if (parsed !== undefined) return parsed
  const header = request.headers.cookie
  if (header === undefined || header === '') return {}
  // The cookie package never throws on a string header (malformed pairs are skipped).
  return parseCookie(header)
}

/**
 * The request parts every `ctx` reads straight off Fastify's request, the handler's and a
 * dependency's alike: defined once, on the prototype both inherit. The parts they read
 * differently stay with each (`body`, `cookies`, `response`).
 */
export abstract class RequestParts {
  /** Fastify's request: an escape hatch, and where the parts are read. */
  abstract readonly request: FastifyRequest
  /** Fastify's reply: an escape hatch. */
  abstract readonly reply: FastifyReply
  get params (): unknown { return this.request.params }
  get query (): unknown { return this.request.query }
  get headers (): unknown { return this.request.headers }
}

/** `ctx`: reads from the request, creates the temporal response on first use. */
export class Context extends RequestParts {
  deps: Record<string, unknown> = NO_DEPS
  /** Only on requests of routes with teardown dependencies (no field, no cost, elsewhere). */
  declare teardown?: TeardownStack
  /** Problems with the dependencies' own parts, left by dependency solving. */
  issues: ValidationIssue[] | undefined = undefined
  #response: TemporalResponse | undefined
  #cookies: Record<string, string | undefined> | undefined
  readonly #status: number
  /**
   * @param cookieJar the copy of the cookies that validation reads and coerces, when the route
   *   or a dependency validates cookies
   */
  constructor (readonly request: FastifyRequest, readonly reply: FastifyReply, readonly cookieJar: Record<string, string | undefined> | undefined, status: number) {
    super()
    this.#cookies = cookieJar
    this.#status = status
  }

  get body (): unknown { return this.request.body }
  get cookies (): Record<string, string | undefined> { return (this.#cookies ??= parseCookies(this.request)) }
  get response (): TemporalResponse { return (this.#response ??= new TemporalResponse(this.#status)) }
  /** The temporal response if anything touched it. */
  get touched (): TemporalResponse | undefined { return this.#response }
}

export class RawBodyContext extends Context {
  override get body (): Buffer { return (this.request.body as Buffer | undefined) ?? Buffer.alloc(0) }
}

