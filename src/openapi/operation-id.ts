/**
 * Operation names, ids and summaries, as FastAPI derives them (fastapi/utils.py
 * `generate_unique_id`, fastapi/openapi/utils.py `generate_operation_summary`), plus the
 * duplicate check that FastAPI only warns about and routecraft makes an error.
 */

// ---------------------------------------------------------------------------------------------
// Operation ids
// ---------------------------------------------------------------------------------------------

/**
 * Python 3's `\W` on `str` patterns: not a letter (L*), not a number (N*), not `_`. Python's
 * `\w` is `str.isalnum()` plus `_`, which leaves out combining marks (M*), as this does.
 */
const nonWord = /[^\p{L}\p{N}_]/gu
const nonWordRuns = /[^\p{L}\p{N}_]+/gu

/**
 * FastAPI's default operationId (`generate_unique_id`): `name + path` with every non-word
 * character (Unicode-aware, one `_` per code point) replaced by `_`, then `_` and the
 * lower-cased method. The method gets the same replacement, which changes nothing for HTTP
 * method names and keeps every id within `[\p{L}\p{N}_]`.
 *
 * Not injective: `/a-b` and `/a_b` give the same id, as in FastAPI. Use
 * {@link findDuplicateOperationIds} to catch such clashes.
 *
 * @example
 * ```ts
 * generateUniqueId({ name: 'read_items', path: '/items/', method: 'GET' })     // 'read_items_items__get'
 * generateUniqueId({ name: 'read_item', path: '/items/{item_id}', method: 'GET' })
 * // 'read_item_items__item_id__get'
 * generateUniqueId({ name: 'new-subscription', path: 'new-subscription', method: 'POST' })
 * // 'new_subscriptionnew_subscription_post'
 * ```
 */
export function generateUniqueId (op: { name: string, path: string, method: string }): string {
  return `${op.name}${op.path}_${op.method.toLowerCase()}`.replace(nonWord, '_')
}

/**
 * The name a route gets when its handler has none of its own: the lower-cased method and
 * the url, each run of non-word characters turned into one `_`, with `_` trimmed from both
 * ends. `{id}` and `:id` give the same name.
 *
 * @example
 * ```ts
 * nameFromRoute('GET', '/users/me')   // 'get_users_me'
 * nameFromRoute('GET', '/')           // 'get'
 * nameFromRoute('GET', '/items/:id')  // 'get_items_id'
 * ```
 */
export function nameFromRoute (method: string, url: string): string {
  return `${method.toLowerCase()} ${url}`.replace(nonWordRuns, '_').replace(/^_+|_+$/g, '')
}

// ---------------------------------------------------------------------------------------------
// Summaries
// ---------------------------------------------------------------------------------------------

/**
 * Code points whose title case is not their upper case (Python's `_PyUnicode_ToTitleFull`
 * versus `str.upper()`, Unicode 14–17): digraphs, ligatures, Georgian and Greek letters with
 * iota subscript. Everything else title-cases as `toUpperCase()` does.
 */
const titleCase: ReadonlyMap<number, string> = (() => {
  const map = new Map<number, string>([
    [0xDF, 'Ss'], [0x587, '\u0535\u0582'],
    [0xFB00, 'Ff'], [0xFB01, 'Fi'], [0xFB02, 'Fl'], [0xFB03, 'Ffi'], [0xFB04, 'Ffl'],
    [0xFB05, 'St'], [0xFB06, 'St'], [0xFB13, '\u0544\u0576'], [0xFB14, '\u0544\u0565'],
    [0xFB15, '\u0544\u056B'], [0xFB16, '\u054E\u0576'], [0xFB17, '\u0544\u056D'],
    [0x1FB2, '\u1FBA\u0345'], [0x1FB3, '\u1FBC'], [0x1FB4, '\u0386\u0345'],
    [0x1FB7, '\u0391\u0342\u0345'], [0x1FBC, '\u1FBC'],
    [0x1FC2, '\u1FCA\u0345'], [0x1FC3, '\u1FCC'], [0x1FC4, '\u0389\u0345'],
    [0x1FC7, '\u0397\u0342\u0345'], [0x1FCC, '\u1FCC'],
    [0x1FF2, '\u1FFA\u0345'], [0x1FF3, '\u1FFC'], [0x1FF4, '\u038F\u0345'],
    [0x1FF7, '\u03A9\u0342\u0345'], [0x1FFC, '\u1FFC'],
  ])
  // DŽ Dž dž, LJ Lj lj, NJ Nj nj, DZ Dz dz: each triple title-cases to its middle letter.
  for (const first of [0x1C4, 0x1C7, 0x1CA, 0x1F1]) {
    for (let i = 0; i < 3; i++) map.set(first + i, String.fromCodePoint(first + 1))
  }
  // Georgian Mkhedruli letters are their own title case (their upper case is Mtavruli).
  for (let cp = 0x10D0; cp <= 0x10FF; cp++) {
    if (cp !== 0x10FB && cp !== 0x10FC) map.set(cp, String.fromCodePoint(cp))
  }
  // Greek with ypogegrammeni: the small letter title-cases to the prosgegrammeni capital,
  // which is its own title case.
  for (const block of [0x1F80, 0x1F90, 0x1FA0]) {
    for (let i = 0; i < 8; i++) {
      map.set(block + i, String.fromCodePoint(block + 8 + i))
      map.set(block + 8 + i, String.fromCodePoint(block + 8 + i))
    }
  }
  return map
})()

const cased = /\p{Cased}/u
const caseIgnorable = /\p{Case_Ignorable}/u

/**
 * Python's lower-casing of U+03A3 inside `title()`: final `ς` when a cased letter precedes
 * it (case-ignorable characters skipped) and none follows it; `σ` otherwise.
 */
function lowerSigma (chars: readonly string[], i: number): string {
  let j = i - 1
  while (j >= 0 && caseIgnorable.test(chars[j] as string)) j--
  if (j < 0 || !cased.test(chars[j] as string)) return 'σ'
  let k = i + 1
  while (k < chars.length && caseIgnorable.test(chars[k] as string)) k++
  return k < chars.length && cased.test(chars[k] as string) ? 'σ' : 'ς'
}

/**
 * Python's `str.title()`: a character after a cased one is lower-cased, any other is
 * title-cased. Digits and punctuation are not cased, so they start a new word (`2Nd`).
 */
function pythonTitle (text: string): string {
  const chars = Array.from(text)
  let out = ''
  let previousIsCased = false
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string
    if (!previousIsCased) out += titleCase.get(ch.codePointAt(0) as number) ?? ch.toUpperCase()
    else out += ch === '\u03A3' ? lowerSigma(chars, i) : ch.toLowerCase()
    previousIsCased = cased.test(ch)
  }
  return out
}

/**
 * camelCase word boundaries: lower case or digit before an upper-case letter (`readItems`),
 * and the last capital of a run before a lower-case letter (`HTTPServer` → `HTTP Server`).
 */
const camelBoundary = /(?<=[\p{Ll}\p{N}])(?=[\p{Lu}\p{Lt}])|(?<=\p{Lu})(?=\p{Lu}\p{Ll})/gu

/**
 * The default summary: FastAPI's `name.replace("_", " ").title()`, extended for JavaScript
 * names: `-` becomes a space too, and camelCase words are split first. Capitalisation
 * follows Python's `str.title()` exactly (`HTTP` becomes `Http`, `2nd` becomes `2Nd`, `ß`
 * becomes `Ss`); each `_` or `-` is one space, as in FastAPI (no collapsing or trimming).
 *
 * @example
 * ```ts
 * summaryFromName('read_items')       // 'Read Items'
 * summaryFromName('readItems')        // 'Read Items'
 * summaryFromName('new-subscription') // 'New Subscription'
 * ```
 */
export function summaryFromName (name: string): string {
  return pythonTitle(name.replace(camelBoundary, ' ').replace(/[_-]/g, ' '))
}

// ---------------------------------------------------------------------------------------------
// Duplicates
// ---------------------------------------------------------------------------------------------

/** A documented operation, as the duplicate check and error messages see it. */
export interface OperationRef {
  operationId: string
  method: string
  /** The route's url, or the webhook's event name. */
  url: string
  kind?: 'route' | 'webhook'
}

/**
 * Every pair of operations sharing an operationId, each pair once, in document order:
 * `first` is the one seen first. Three operations with one id give three pairs.
 *
 * @example
 * ```ts
 * findDuplicateOperationIds([
 *   { operationId: 'a_b_get', method: 'GET', url: '/a-b' },
 *   { operationId: 'a_b_get', method: 'GET', url: '/a_b' },
 * ])
 * // [{ operationId: 'a_b_get', first: { …url: '/a-b' }, second: { …url: '/a_b' } }]
 * ```
 */
export function findDuplicateOperationIds (
  ops: readonly OperationRef[],
): Array<{ operationId: string, first: OperationRef, second: OperationRef }> {
  const seen = new Map<string, OperationRef[]>()
  const clashes: Array<{ operationId: string, first: OperationRef, second: OperationRef }> = []
  for (const op of ops) {
    const earlier = seen.get(op.operationId)
    if (earlier === undefined) {
      seen.set(op.operationId, [op])
      continue
    }
    for (const first of earlier) clashes.push({ operationId: op.operationId, first, second: op })
    earlier.push(op)
  }
  return clashes
}

/**
 * An operation as error messages name it: `GET /items/`, or `webhook POST new-subscription`.
 *
 * @example
 * ```ts
 * describeOperation({ operationId: 'x', method: 'get', url: '/items/' })  // 'GET /items/'
 * describeOperation({ operationId: 'x', method: 'POST', url: 'new-subscription', kind: 'webhook' })
 * // 'webhook POST new-subscription'
 * ```
 */
export function describeOperation (op: OperationRef): string {
  const text = `${op.method.toUpperCase()} ${op.url}`
  return op.kind === 'webhook' ? `webhook ${text}` : text
}
