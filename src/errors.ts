/**
 * Errors of API misuse: {@link RoutecraftError} (a declaration or an option that cannot work),
 * thrown when a declaration is built or compiled, never at the first request. Each carries a
 * stable `RC_ERR_…` code listed in `docs/errors.md`. A leaf: this module imports nothing, so
 * every other part may use it. (Request-time failures are `HttpError`, in responses/.)
 */

// ---------------------------------------------------------------------------------------------
// Codes
// ---------------------------------------------------------------------------------------------

/**
 * Every code routecraft throws, with the area it belongs to. Codes are never reused: a code
 * that goes out of use stays here, marked as such in `docs/errors.md`.
 */
export const errorCodes = {
  // Declarations of routes, webhooks and dependencies
  RC_ERR_ROUTE_NO_HANDLER: 'a route declaration needs a handler function',
  RC_ERR_ROUTE_METHOD: 'an HTTP method routecraft does not know',
  RC_ERR_ROUTE_URL: 'a url that is not a string starting with "/"',
  RC_ERR_ROUTE_PATH_PARAM: 'a path parameter without an entry in the params schema (or the reverse)',
  RC_ERR_ROUTE_SCHEMA: 'a request-part or response schema that is not a TypeBox/JSON schema object',
  RC_ERR_ROUTE_STATUS: 'a route status outside 200–599, or a responses key that is no status',
  RC_ERR_ROUTE_OPTION: 'an option of the wrong type or an unknown option',
  RC_ERR_ROUTE_BODY_CONFLICT: '`rawBody: true` together with a `body` schema',
  RC_ERR_WEBHOOK_NAME: 'a webhook without a valid event name',
  RC_ERR_DEPENDENCY_SHAPE: 'something in `deps` that is not a dependency',
  RC_ERR_DEPENDENCY_CYCLE: 'a dependency that depends on itself, directly or not',
  RC_ERR_DEPENDENCY_NO_RESOLVE: 'a dependency declaration without a resolve function',
  RC_ERR_DEPENDENCY_NO_YIELD: 'a dependency with teardown (a generator resolve) that returned without yielding',
  // The OpenAPI document
  RC_ERR_OPENAPI_DUPLICATE_OPERATION_ID: 'two documented operations with the same operationId',
  RC_ERR_OPENAPI_DUPLICATE_WEBHOOK: 'two webhooks with the same name and method',
  RC_ERR_OPENAPI_OPTION: 'an option of openapi() of the wrong type',
  RC_ERR_OPENAPI_REGISTERED_TWICE: 'openapi() registered twice on one server',
  RC_ERR_OPENAPI_SCHEMA_ID: 'two different schemas with the same $id in one document',
  RC_ERR_OPENAPI_APP_SWAGGER: 'an app\'s own @fastify/swagger (or swagger-ui) that openapi() cannot build on',
  // Responses
  RC_ERR_RESPONSE_HEADER: 'a header name or value HTTP forbids, or a hop-by-hop/framing header',
  RC_ERR_RESPONSE_COOKIE: 'a cookie name, value or attribute that cannot be sent',
  RC_ERR_RESPONSE_STATUS: 'a response status outside 200–599 (1xx statuses are interim)',
  RC_ERR_JSONABLE_CYCLE: 'a value with a reference cycle given to jsonable()',
  RC_ERR_JSONABLE_VALUE: 'a value jsonable() cannot convert (a function or a symbol at the top)',
  // Security
  RC_ERR_AUTH_OPTION: 'an option of a security builder (basicAuth(), bearerAuth(), apiKeyAuth(), securityScheme()) of the wrong type',
  // Webhooks
  RC_ERR_WEBHOOK_SECRET: 'a webhook secret that is missing or not a whsec_/base64 secret',
  RC_ERR_WEBHOOK_VERIFY: 'a received webhook that fails verification',
  RC_ERR_WEBHOOK_OPTION: 'an option of send() of the wrong type',
  // routecraft/testing
  RC_ERR_TESTING_ROUTE: 'a test request for something that is not a route() registered (once) on the app',
  RC_ERR_TESTING_INPUT: 'a test request input the client cannot send (a missing path parameter, an object as a query value, an undeclared method)',
  RC_ERR_TESTING_CAPTURE: 'captureWebhooks() given something that is not a webhook(), or a webhook already captured',
} as const

/** A stable error code. */
export type RoutecraftErrorCode = keyof typeof errorCodes

// ---------------------------------------------------------------------------------------------
// RoutecraftError
// ---------------------------------------------------------------------------------------------

/**
 * API misuse: thrown when a declaration or an option cannot work.
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

  constructor (code: RoutecraftErrorCode, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options)
    this.code = code
  }
}
