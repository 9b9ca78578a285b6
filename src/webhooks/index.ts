/**
 * `routecraft/webhooks`: sending webhooks without `webhook(decl).send` (from a queue worker,
 * say), signing and verifying Standard Webhooks signatures, replay stores, and the SSRF guard.
 */
export { sendWebhook, deliver, attemptDelivery, memoryDispatcher } from './send.js'
export { prepareDelivery } from './job.js'
export { isRetryable } from './retry.js'
export { signWebhook, verifySignature } from './sign.js'
export { verifyWebhook, WebhookVerificationError } from './verify.js'
export { memoryReplayStore } from './replay-store.js'
export { isPrivateAddress, assertPublicTarget, publicOnlyLookup, TargetRefusedError } from './ssrf.js'
export { describeIssues } from './codec.js'

export type { SendOptions, SendOutcome, DeliveryJob, WebhookDispatcher, PrepareOptions, PrepareResult, DeliverOptions, DeliveryHooks, WebhookRequest, WebhookTransport } from './job.js'
export type { AttemptResult } from './send.js'
export type { WebhookCodec, HasWebhookCodec, ValidationIssue, ValidationResult } from './codec.js'
export type { VerifyOptions, VerificationFailure, HeaderBag } from './verify.js'
export type { ReplayStore } from './replay-store.js'
export type { WebhookSecret } from './sign.js'
export type { ResolveAll } from './ssrf.js'
