/**
 * The name of an operation or dependency when the declaration gives none: the handler's own
 * function name (the declare step records it; the OpenAPI side derives ids and summaries from it).
 */

/**
 * Names JavaScript infers from the declaration's own property (`{ handler: () => … }`,
 * `{ resolve () { … } }`): they name the slot, not the operation, so they do not count as a
 * name. A function explicitly named `handler` is indistinguishable and gets the same fate. So do
 * `anonymous` (`new Function`) and `default` (`export default function () {}`).
 */
const inferredNames: ReadonlySet<string> = new Set(['handler', 'resolve', 'anonymous', 'default'])

/**
 * The handler's own function name, or `undefined` when it has none: anonymous functions and
 * arrows, and the names inferred from the `handler` / `resolve` properties of a declaration.
 * `bound ` prefixes (from `.bind()`) are removed.
 *
 * @example
 * ```ts
 * handlerName(function read_items () {})          // 'read_items'
 * handlerName({ handler: () => 1 }.handler)       // undefined
 * handlerName(function read_items () {}.bind({})) // 'read_items'
 * ```
 */
export function handlerName (fn: Function | undefined): string | undefined {
  if (typeof fn !== 'function') return undefined
  const raw: unknown = fn.name
  if (typeof raw !== 'string') return undefined
  const name = raw.replace(/^(?:bound )+/, '')
  return name === '' || inferredNames.has(name) ? undefined : name
}
