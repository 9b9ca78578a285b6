/**
 * The explicit escape from the types: a value marked as wrong on purpose.
 */

/** Marks a value made by {@link unchecked}. */
export const kUnchecked = Symbol('routecraft.testing.unchecked')

/**
 * A value the helpers send as given, without type checks or validation.
 *
 * @example
 * ```ts
 * const wrong: Unchecked<{ body: unknown }> = unchecked({ body: { price: 'free' } })
 * ```
 */
export interface Unchecked<V> { readonly [kUnchecked]: true; readonly value: V }

/**
 * Marks a request input (for `client.request`) or a webhook payload (for
 * `signedWebhookRequest`) as deliberately wrong: it is sent as given, so a test can check how
 * the app answers what its declarations refuse (a 422, an `invalid-payload` rejection).
 *
 * @example
 * ```ts
 * const res = await client.request(createItem, unchecked({ body: { name: 'Plumbus', price: 'free' } }))
 * t.equal(res.status, 422)
 * ```
 */
export function unchecked<V> (value: V): Unchecked<V> {
  return { [kUnchecked]: true, value }
}

/** Whether `value` was made by {@link unchecked}. */
export function isUnchecked (value: unknown): value is Unchecked<unknown> {
  return typeof value === 'object' && value !== null && kUnchecked in value
}
