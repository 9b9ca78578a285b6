/**
 * routecraft/testing: helpers for tap suites (or any test runner) of apps built with
 * routecraft. Built on Fastify's `inject`; nothing here opens a socket or reaches the network.
 * The library itself never imports this module.
 */

// The typed test client
export { testClient, UnexpectedStatusError } from './client.js'
export type { TestClient, UncheckedInput } from './client.js'
export type {
  TestResponse, ResponseAt, RequestInput, BodyAt, ValidationErrorBody, ValidationErrorItem, ErrorBody, TestCookie,
  ResponseHeaders, HttpStatus, SuccessStatus, ErrorStatus, QueryValue, TypesOf,
} from './types.js'
// The helper types the signatures above are built from (named so that users can name them too)
export type {
  BodyPart, DeclaredStatus, Digit, Distribute, Extra, KeyStatus, MainModel, ModelAt, ModelStatuses, OpenPart, Part, Specials,
  ToNumber, OptionalInput, ResponseOf,
} from './types.js'
export type { Rest } from './client.js'
export type { AnyHook } from './capture.js'
export { unchecked, isUnchecked } from './unchecked.js'
export type { Unchecked } from './unchecked.js'

// Captured webhooks
export { captureWebhooks } from './capture.js'
export type { WebhookOutbox, CapturedWebhook, CapturedAttempt, CaptureOptions, CaptureOutcome, AttemptAnswer, OutcomeRule, PayloadOf } from './capture.js'

// Receivers under test
export { signedWebhookRequest, generateWebhookSecret } from './signed.js'
export type { SignedWebhookRequest, SignedRequestOptions } from './signed.js'
