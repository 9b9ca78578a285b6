/**
 * routecraft: FastAPI's advanced path-operation features for Fastify 5, as plain functions
 * that turn declarations with TypeBox schemas into Fastify plugins.
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
export { withResponse, DirectResponse, isDirectResponse } from './responses/with-response.js'
export { TemporalResponse, ResponseHeaders } from './responses/temporal.js'
export { jsonable } from './responses/jsonable.js'

// Validation
export { validate } from './validation/validate.js'

// Webhooks: sending and receiving
export { verifyWebhook, WebhookVerificationError } from './webhooks/verify.js'
export { sendWebhook, prepareDelivery, deliver, attemptDelivery, memoryDispatcher, isRetryable } from './webhooks/send.js'
export { memoryReplayStore } from './webhooks/replay-store.js'
export { signWebhook, verifySignature } from './webhooks/sign.js'
export { isPrivateAddress, assertPublicTarget, TargetRefusedError } from './webhooks/ssrf.js'

// The OpenAPI merger (pure functions)
export { deepMerge } from './openapi/merge.js'
export { cleandoc, cleanDescription } from './openapi/docstring.js'
export { generateUniqueId, summaryFromName } from './openapi/operation-id.js'

// Errors
export { RoutecraftError, errorCodes } from './errors.js'
export { HttpError } from './responses/http-error.js'

// Types
export type { RoutecraftErrorCode } from './errors.js'
export type {
  HttpMethod, RouteDeclaration, RoutePlugin, RouteTypes, ResponsesMap, HandlerContext, DependencyDeclaration, DependencyContext, RequestContext, Dependency,
  ResponseSpec, OperationMetadata, OperationIdFunction, BodyOf, ResolvedDeps,
} from './declare/types.js'
export type { WebhookDeclaration } from './declare/webhook.js'
export type { WebhookPlugin, WebhookPayload } from './plugins/webhook.js'
export type { OpenApiOptions } from './plugins/openapi.js'
export type { OperationIdStrategy } from './openapi/document.js'
export type { BasicAuthOptions, BasicCredentials } from './security/basic-auth.js'
export type { BearerAuthOptions, BearerCredentials } from './security/bearer-auth.js'
export type { ApiKeyAuthOptions } from './security/api-key-auth.js'
export type { SecuritySchemeDeclaration, SecuritySchemeObject, SecurityContext, OAuthFlow, OAuthFlows } from './security/scheme.js'
export type { CommonAuthOptions } from './security/options.js'
export type { ResponseInit, DirectContent } from './responses/with-response.js'
export type { CookieOptions } from './responses/http-fields.js'
export type { JsonValue } from './responses/jsonable.js'
export type { ValidationIssue, ValidationResult } from './validation/issues.js'
export type { WebhookCodec, HasWebhookCodec } from './webhooks/codec.js'
export type { SendOptions, SendOutcome, DeliveryJob, WebhookDispatcher, PrepareOptions, PrepareResult, DeliverOptions, DeliveryHooks, AttemptResult, WebhookRequest, WebhookTransport } from './webhooks/send.js'
export type { VerifyOptions, VerificationFailure } from './webhooks/verify.js'
export type { ReplayStore } from './webhooks/replay-store.js'
