/**
 * Errors of API misuse: {@link RoutecraftError} (a declaration or an option that cannot work),
 * thrown when a declaration is built or compiled, never at the first request. A leaf: this
 * module imports nothing, so every other part may use it. (Request-time failures are
 * `HttpError`, in responses/.)
 *
 * Every code is one line of {@link registry}: its kind and what it means. docs/errors.md has a
 * row for each (when it is thrown, how to fix it), and a test keeps both in step and checks
 * that the tests raise every code. A new code is a new line here and a new row there; codes
 * are never reused: a code that goes out of use stays, marked as such in docs/errors.md.
 */

/** What a code is about: the part of routecraft that was misused. */
export type ErrorKind = 'declaration' | 'document' | 'response' | 'security' | 'webhook' | 'testing'

const registry = {
  // Declarations of routes, webhooks and dependencies
  RC_ERR_ROUTE_NO_HANDLER: ['declaration', 'a route declaration needs a handler function'],
  RC_ERR_ROUTE_METHOD: ['declaration', 'an HTTP method routecraft does not know'],
  RC_ERR_ROUTE_URL: ['declaration', 'a url that is not a string starting with "/"'],
  RC_ERR_ROUTE_PATH_PARAM: ['declaration', 'a path parameter without an entry in the params schema (or the reverse)'],
  RC_ERR_ROUTE_SCHEMA: ['declaration', 'a request-part or response schema that is not a TypeBox/JSON schema object'],
  RC_ERR_ROUTE_SCHEMA_REF: ['declaration', 'a $ref that names no schema routecraft has seen or the app added'],
  RC_ERR_ROUTE_STATUS: ['declaration', 'a route status outside 200–599, or a responses key that is no status'],
  RC_ERR_ROUTE_OPTION: ['declaration', 'an option of the wrong type or an unknown option'],
  RC_ERR_ROUTE_BODY_CONFLICT: ['declaration', '`rawBody: true` together with a `body` schema'],
  RC_ERR_WEBHOOK_NAME: ['declaration', 'a webhook without a valid event name'],
  RC_ERR_DEPENDENCY_SHAPE: ['declaration', 'something in `deps` that is not a dependency'],
  RC_ERR_DEPENDENCY_CYCLE: ['declaration', 'a dependency that depends on itself, directly or not'],
  RC_ERR_DEPENDENCY_NO_RESOLVE: ['declaration', 'a dependency declaration without a resolve function'],
  RC_ERR_DEPENDENCY_NO_YIELD: ['declaration', 'a dependency with teardown (a generator resolve) that returned without yielding'],
  // The OpenAPI document
  RC_ERR_OPENAPI_DUPLICATE_OPERATION_ID: ['document', 'two documented operations with the same operationId'],
  RC_ERR_OPENAPI_DUPLICATE_WEBHOOK: ['document', 'two webhooks with the same name and method'],
  RC_ERR_OPENAPI_OPTION: ['document', 'an option of openapi() of the wrong type'],
  RC_ERR_OPENAPI_REGISTERED_TWICE: ['document', 'openapi() registered twice on one server'],
  RC_ERR_OPENAPI_SCHEMA_ID: ['document', 'two different schemas with the same $id in one document'],
  RC_ERR_OPENAPI_APP_SWAGGER: ['document', 'an app\'s own @fastify/swagger (or swagger-ui) that openapi() cannot build on'],
  // Responses
  RC_ERR_RESPONSE_HEADER: ['response', 'a header name or value HTTP forbids, or a hop-by-hop/framing header'],
  RC_ERR_RESPONSE_COOKIE: ['response', 'a cookie name, value or attribute that cannot be sent'],
  RC_ERR_RESPONSE_STATUS: ['response', 'a response status outside 200–599 (1xx statuses are interim)'],
  RC_ERR_JSONABLE_CYCLE: ['response', 'a value with a reference cycle given to jsonable()'],
  RC_ERR_JSONABLE_VALUE: ['response', 'a value jsonable() cannot convert (a function or a symbol at the top)'],
  // Security
  RC_ERR_AUTH_OPTION: ['security', 'an option of a security builder (basicAuth(), bearerAuth(), apiKeyAuth(), securityScheme()) of the wrong type'],
  // Webhooks
  RC_ERR_WEBHOOK_SECRET: ['webhook', 'a webhook secret that is missing or not a whsec_/base64 secret'],
  RC_ERR_WEBHOOK_VERIFY: ['webhook', 'a received webhook that fails verification'],
  RC_ERR_WEBHOOK_OPTION: ['webhook', 'an option of the webhook functions of the wrong type'],
  RC_ERR_WEBHOOK_TARGET: ['webhook', 'a webhook target the SSRF guard refuses'],
  // routecraft/testing
  RC_ERR_TESTING_ROUTE: ['testing', 'a test request for something that is not a route() registered (once) on the app'],
  RC_ERR_TESTING_INPUT: ['testing', 'a test request input the client cannot send (a missing path parameter, an object as a query value, an undeclared method)'],
  RC_ERR_TESTING_CAPTURE: ['testing', 'captureWebhooks() given something that is not a webhook(), or a webhook already captured'],
} as const satisfies Record<`RC_ERR_${string}`, readonly [ErrorKind, string]>

/** A stable error code. */
export type RoutecraftErrorCode = keyof typeof registry

/** Every code with what it means (the summary of its row in docs/errors.md). */
export const errorCodes = Object.freeze(Object.fromEntries(Object.entries(registry).map(([code, [, summary]]) => [code, summary]))) as
  { readonly [C in RoutecraftErrorCode]: (typeof registry)[C][1] }

/** The kind of a code. */
export function errorKind (code: RoutecraftErrorCode): ErrorKind {
  return registry[code][0]
}

/**
 * API misuse: thrown when a declaration or an option cannot work. `code` is stable, `kind`
 * says which part was misused, `detail` is the message without its code.
 *
 * @example
 * ```ts
 * try { route({ method: 'GET', url: '/x' } as never) }
 * catch (err) { if (err instanceof RoutecraftError) console.log(err.code) } // RC_ERR_ROUTE_NO_HANDLER
 * ```
 */
export class RoutecraftError extends Error {
  override name = 'RoutecraftError'
  readonly code: RoutecraftErrorCode
  readonly kind: ErrorKind
  readonly detail: string

  constructor (code: RoutecraftErrorCode, detail: string, options?: { cause?: unknown }) {
    // The message's one template: the code, then the detail (which names what was declared).
    super(`${code}: ${detail}`, options)
    this.code = code
    this.kind = registry[code][0]
    this.detail = detail
  }
}
