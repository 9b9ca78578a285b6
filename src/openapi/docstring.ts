/**
 * Description cleaning, as FastAPI does for a route's docstring (fastapi/routing.py):
 * `inspect.cleandoc`, then everything from the first form feed (`\f`) on is cut off and the
 * rest stripped. The part after `\f` is for the code's readers (internal notes, a
 * docstring's parameter list), not for the API's.
 *
 * `cleandoc` follows CPython 3.13+ (Lib/inspect.py), which strips only spaces when it removes
 * indentation. CPython 3.12 and older stripped any Unicode whitespace there; the two differ
 * only for lines indented with other whitespace (`\f`, `\v`, U+00A0…), which a JS template
 * literal indented in code does not produce.
 *
 * Line breaks: Python splits on `\n` only, but text that Python reads from a source file has
 * had its `\r\n` and `\r` turned into `\n` by the tokenizer, as a JS template literal has by
 * the parser. A description read from a file at run time may still hold them, so `\r\n` and a
 * lone `\r` are line breaks here too. The result therefore never contains `\r`.
 */

/**
 * Python's `str.isspace()` characters, which `str.strip()` removes. Differs from JS `\s`:
 * U+001C–U+001F and U+0085 are in, U+FEFF is out.
 */
const pyWs = '\\t\\n\\v\\f\\r\\x1C-\\x1F \\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000'
const pyStripPattern = new RegExp(`^[${pyWs}]+|[${pyWs}]+$`, 'g')

/**
 * Python's `str.expandtabs()` (tab size 8): a tab advances to the next multiple of 8; a line
 * break resets the column. Columns count code points, as Python's do. (Python resets on `\r`
 * too; here every `\r` has become `\n` before this runs.)
 */
function expandTabs (text: string): string {
  if (!text.includes('\t')) return text
  let out = ''
  let column = 0
  for (const ch of text) {
    if (ch === '\t') {
      const width = 8 - (column % 8)
      out += ' '.repeat(width)
      column += width
    } else {
      out += ch
      column = ch === '\n' ? 0 : column + 1
    }
  }
  return out
}

/** The number of leading spaces (`len(line) - len(line.lstrip(' '))`). */
function leadingSpaces (line: string): number {
  let i = 0
  while (i < line.length && line.charCodeAt(i) === 0x20) i++
  return i
}

/**
 * Python's `inspect.cleandoc`: expands tabs; strips the spaces that start the first line;
 * removes from the other lines the indentation their non-blank lines share; drops empty
 * lines at the start and end. Trailing spaces are kept, and so is a line of only spaces
 * longer than the common indentation (Python keeps those too). `\r\n` and `\r` count as line
 * breaks (see the module comment).
 *
 * Like Python's, it is not idempotent when the first line is blank:
 * `cleandoc('\n  a\n    b')` is `'a\n  b'`, whose second line then loses its indentation.
 *
 * @example
 * ```ts
 * cleandoc(`
 *     Create an item with all the information:
 *
 *       - **name**: each item must have a name
 *   `)
 * // 'Create an item with all the information:\n\n  - **name**: each item must have a name'
 * ```
 */
export function cleandoc (text: string): string {
  const lines = expandTabs(text.replace(/\r\n?/g, '\n')).split('\n')
  let margin = Infinity
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string
    const indent = leadingSpaces(line)
    if (indent < line.length) margin = Math.min(margin, indent)
  }
  lines[0] = (lines[0] as string).slice(leadingSpaces(lines[0] as string))
  if (margin !== Infinity) {
    for (let i = 1; i < lines.length; i++) lines[i] = (lines[i] as string).slice(margin)
  }
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  while (lines.length > 0 && lines[0] === '') lines.shift()
  return lines.join('\n')
}

/**
 * A route's description as FastAPI documents it: {@link cleandoc}, cut at the first form feed
 * (`\f`, U+000C), stripped of surrounding whitespace (Python's notion of whitespace).
 * `undefined` for no text or for nothing left.
 *
 * @example
 * ```ts
 * cleanDescription(`
 *     When a new user subscribes to your service we'll send you a POST request.
 *     \f
 *     Internal: retried three times.
 *   `)
 * // "When a new user subscribes to your service we'll send you a POST request."
 * cleanDescription('\f only internal notes') // undefined
 * ```
 */
export function cleanDescription (text: string | undefined): string | undefined {
  if (text === undefined) return undefined
  const doc = cleandoc(text)
  const cut = doc.indexOf('\f')
  const kept = (cut === -1 ? doc : doc.slice(0, cut)).replace(pyStripPattern, '')
  return kept === '' ? undefined : kept
}
