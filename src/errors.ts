/**
 * Errors of API misuse: {@link RoutecraftError} (a declaration or an option that cannot work),
 * thrown when a declaration is built or compiled, never at the first request. A leaf with its
 * table (error-messages.ts): it imports nothing else, so every other part may use it.
 * (Request-time failures are `HttpError`, in responses/.)
 *
 * Every code is one entry of the table, in the manner of Fastify's `lib/errors.js`: its
 * kind, what it means, and the templates of its messages. A caller names the code and the
 * message and passes only the values that vary: `routecraftError('RC_ERR_ROUTE_URL', 'start',
 * { where, url })`. docs/errors.md has a row for each code (when it is thrown, how to fix it),
 * and a test keeps both in step and checks that the tests raise every code. A new code is a new
 * entry here and a new row there; codes are never reused: a code that goes out of use stays,
 * marked as such in docs/errors.md.
 */

import { registry, type ErrorKind } from './error-messages.js'

export type { ErrorKind }

/** A stable error code. */
export type RoutecraftErrorCode = keyof typeof registry

type Registry = typeof registry
/** The names of the messages of `C` (of every code in `C` when it is a union). */
export type ErrorMessage<C extends RoutecraftErrorCode> = keyof Registry[C][2] & string
type Template<C extends RoutecraftErrorCode, M extends ErrorMessage<C>> = Registry[C][2][M] & string
/** The value names of a template: `'%{where}: %{url:json}'` → `'where' | 'url'`. */
type Slots<T extends string> = T extends `${string}%{${infer S}}${infer Rest}`
  ? (S extends `${infer Name}:${string}` ? Name : S) | Slots<Rest>
  : never
/** What a message needs besides its name: its values, if it has any. */
export type ErrorValues<T extends string> = [Slots<T>] extends [never] ? [values?: undefined] : [values: { readonly [K in Slots<T>]: unknown }]

/** Every code with what it means (the summary of its row in docs/errors.md). */
export const errorCodes = Object.freeze(Object.fromEntries(Object.entries(registry).map(([code, [, summary]]) => [code, summary]))) as
  { readonly [C in RoutecraftErrorCode]: Registry[C][1] }

/** The kind of a code. */
export function errorKind (code: RoutecraftErrorCode): ErrorKind {
  return registry[code][0]
}

const SLOT = /%\{(\w+)(?::(json|list))?\}/g

/** The text of one message of a code, its values filled in (the message without its code). */
export function errorDetail<C extends RoutecraftErrorCode, M extends ErrorMessage<C>> (code: C, message: M, ...[values]: ErrorValues<Template<C, M>>): string {
  const template = (registry[code][2] as Record<string, string>)[message] as string
  const given = (values ?? {}) as Record<string, unknown>
  return template.replace(SLOT, (_, name: string, format: string | undefined) => {
    const value = given[name]
    if (format === 'json') return JSON.stringify(value) ?? String(value)
    if (format === 'list') return [...value as Iterable<unknown>].join(', ')
    return String(value)
  })
}

/**
 * The error of one message of a code:
 * `throw routecraftError('RC_ERR_ROUTE_OPTION', 'boolean', { where, option: 'deprecated' })`.
 */
export function routecraftError<C extends RoutecraftErrorCode, M extends ErrorMessage<C>> (code: C, message: M, ...values: ErrorValues<Template<C, M>>): RoutecraftError {
  return new RoutecraftError(code, errorDetail(code, message, ...values))
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
    // The message's one form: the code, then the detail (which names what was declared).
    super(`${code}: ${detail}`, options)
    this.code = code
    this.kind = registry[code][0]
    this.detail = detail
  }
}
