/**
 * The contract between a webhook declaration and the code that sends and receives it.
 *
 * `webhook()` owns the schema; this side only needs three things from it: the event name, a
 * validator that also strips undeclared fields (so nothing the schema does not name leaves
 * the process), and a serializer. Keeping that behind an interface keeps `src/webhooks/`
 * free of Fastify and of any particular schema library.
 */
import type { ValidationIssue, ValidationResult } from '../validation/issues.js'

export type { ValidationIssue, ValidationResult }

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

/**
 * What webhook() hands over: the event name, validation against the body schema (undeclared
 * fields removed), and serialization by the model.
 *
 * @example
 * ```ts
 * const codec: WebhookCodec<{ n: number }> = {
 *   name: 'counted',
 *   validate: v => typeof (v as { n?: unknown })?.n === 'number'
 *     ? { ok: true, value: { n: (v as { n: number }).n } }
 *     : { ok: false, errors: [{ type: 'number_type', loc: ['n'], msg: 'Input should be a valid number', input: v }] },
 *   serialize: v => JSON.stringify(v),
 * }
 * ```
 */
export interface WebhookCodec<T> { readonly name: string; validate(value: unknown): ValidationResult<T>; serialize(value: T): string }

/**
 * Anything that carries a codec: a `webhook()` declaration does.
 *
 * @example
 * ```ts
 * const payload = await verifyWebhook({ codec }, rawBody, request.headers, secret)
 * ```
 */
export interface HasWebhookCodec<T> { readonly codec: WebhookCodec<T> }

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/**
 * Renders validation issues as one line (`loc: msg; …`), for outcomes and error messages.
 * Only the first few are spelled out so a huge invalid payload cannot produce a huge string.
 *
 * @example
 * ```ts
 * describeIssues([{ type: 'missing', loc: ['user', 'name'], msg: 'Field required', input: {} }])
 * // 'user.name: Field required'
 * ```
 */
export function describeIssues (issues: readonly ValidationIssue[], max = 5): string {
  const shown = issues.slice(0, max).map(i => `${i.loc.length === 0 ? '(root)' : i.loc.join('.')}: ${i.msg}`)
  if (issues.length > max) shown.push(`and ${issues.length - max} more`)
  return shown.length === 0 ? 'the value does not match the schema' : shown.join('; ')
}
