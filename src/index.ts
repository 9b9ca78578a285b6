/**
 * routecraft: FastAPI's advanced path-operation features for Fastify 5, as plain functions
 * that turn declarations with TypeBox schemas into Fastify plugins.
 *
 * This is what apps are written with. Sending webhooks from queues, signing and the SSRF guard
 * are in `routecraft/webhooks`; the pure OpenAPI helpers are in `routecraft/openapi`.
 */

// Declarations → Fastify plugins
export { route } from './plugins/route.js'
export { webhook } from './plugins/webhook.js'
export { dependency } from './declare/dependency.js'
export { dependencies } from './plugins/dependencies.js'
export { openapi } from './plugins/openapi.js'

// Security
export { basicAuth } from './security/basic-auth.js'
export { bearerAuth } from './security/bearer-auth.js'
export { apiKeyAuth } from './security/api-key-auth.js'
export { securityScheme, splitAuthorization } from './security/scheme.js'
export { safeCompare } from './security/compare.js'
export { parseBasicAuthorization, encodeBasic } from './security/credentials.js'

// Responses
export { withResponse, isDirectResponse } from './responses/with-response.js'
export { jsonable } from './responses/jsonable.js'
export { HttpError, RequestValidationError } from './responses/http-error.js'

// Validation
export { validate } from './validation/validate.js'
// Pydantic's common field shapes, as plain TypeBox
export { model, nullable, withDefault, titled, fieldTitle } from './declare/fields.js'

// Receiving webhooks
export { verifyWebhook, WebhookVerificationError } from './webhooks/verify.js'
export { memoryReplayStore } from './webhooks/replay-store.js'

// Errors
export { RoutecraftError, errorCodes } from './errors.js'
export { routecraftErrorHandler } from './compile/error-handler.js'

// Types
export type { RoutecraftErrorCode, ErrorKind } from './errors.js'
export type { RequestValidationIssue } from './responses/http-error.js'
export type {
  HttpMethod, RouteDeclaration, RoutePlugin, RouteTypes, ResponsesMap, HandlerContext, DependencyDeclaration, DependencyContext, RequestContext, Dependency,
  ResponseSpec, OperationMetadata, OperationIdFunction, BodyOf, ResolvedDeps, SchemaSlot, StaticOr, Returned, DepsMap, DependencyValue,
} from './declare/types.js'
export type { WebhookDeclaration } from './declare/webhook.js'
export type { WebhookPlugin, WebhookPayload } from './plugins/webhook.js'
export type { OpenApiOptions } from './plugins/openapi.js'
export type { SwaggerPassThrough, SwaggerUiPassThrough } from './plugins/openapi.js'
export type { OperationIdStrategy } from './openapi/document.js'
export type { BasicAuthOptions, BasicCredentials } from './security/basic-auth.js'
export type { BearerAuthOptions, BearerCredentials } from './security/bearer-auth.js'
export type { ApiKeyAuthOptions } from './security/api-key-auth.js'
export type { SecuritySchemeDeclaration, SecuritySchemeObject, SecurityContext, OAuthFlow, OAuthFlows } from './security/scheme.js'
export type { CommonAuthOptions } from './security/options.js'
export type { BasicParse } from './security/credentials.js'
export type { ResponseInit, DirectContent, DirectResponse } from './responses/with-response.js'
export type { TemporalResponse, ResponseHeaders, ResponseParts, CookieToSet } from './responses/temporal.js'
export type { CookieOptions } from './responses/http-fields.js'
export type { JsonValue, JsonableOptions } from './responses/jsonable.js'
export type { ValidationIssue, ValidationResult } from './validation/issues.js'
export type { WebhookCodec, HasWebhookCodec } from './webhooks/codec.js'
export type { SendOptions, SendOutcome, DeliveryHooks } from './webhooks/job.js'
export type { VerifyOptions, VerificationFailure, HeaderBag } from './webhooks/verify.js'
export type { WebhookRequest, WebhookTransport } from './webhooks/job.js'
export type { ReplayStore } from './webhooks/replay-store.js'
export type { WebhookSecret } from './webhooks/sign.js'
export type { ResolveAll } from './webhooks/ssrf.js'
