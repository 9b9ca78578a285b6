/**
 * Where malformed JSON goes wrong.
 *
 * V8's `JSON.parse` messages only sometimes carry a position, and FastAPI reports a malformed
 * body at `["body", <0-based offset>]` (Python's `JSONDecodeError.pos`). This scanner runs only
 * after `JSON.parse` has already failed, so the fast path pays nothing for it. It is iterative
 * (an explicit stack), so a hostile `[[[[…` body cannot overflow the call stack.
 */

const WS = new Set([0x20, 0x09, 0x0a, 0x0d])

/** What the scanner expects next. */
type Expect = 'value' | 'value-or-end' | 'key' | 'key-or-end' | 'after'

/** The 0-based offset of the first character at which `text` stops being JSON. */
export function jsonErrorOffset (text: string): number {
  const scan = new Scanner(text)
  let expect: Expect | undefined = 'value'
  for (;;) {
    scan.skip()
    if (scan.i >= text.length) return text.length
    expect = scan.step(expect, text.charCodeAt(scan.i))
    if (expect === undefined) return scan.i
  }
}

/**
 * The scanner's position and what it is inside (a stack of 0x7b '{' and 0x5b '['). Each step
 * reads at a non-space character and returns what comes next, or undefined when the text
 * stops being JSON at `i`.
 */
class Scanner {
  i = 0
  readonly #stack: number[] = []
  constructor (readonly text: string) {}

  /** One step at the non-space character `c`, expecting `expect`. */
  step (expect: Expect, c: number): Expect | undefined {
    if (expect === 'value' || expect === 'value-or-end') return this.value(c, expect === 'value-or-end')
    if (expect === 'key' || expect === 'key-or-end') return this.key(c, expect === 'key-or-end')
    return this.after(c)
  }

  skip (): void {
    while (this.i < this.text.length && WS.has(this.text.charCodeAt(this.i))) this.i++
  }

  /** A value: an object or array opens, a scalar is read; `orEnd`: a `]` may close the array. */
  value (c: number, orEnd: boolean): Expect | undefined {
    if (orEnd && c === 0x5d) return this.close()
    if (c === 0x7b) return this.open(c, 'key-or-end')
    if (c === 0x5b) return this.open(c, 'value-or-end')
    return this.scalar() ? 'after' : undefined
  }

  /** A key and its colon; `orEnd`: a `}` may close the object. */
  key (c: number, orEnd: boolean): Expect | undefined {
    if (orEnd && c === 0x7d) return this.close()
    if (c !== 0x22 || !this.string()) return undefined
    this.skip()
    if (this.text.charCodeAt(this.i) !== 0x3a) return undefined
    this.i++
    return 'value'
  }

  /** After a value: a comma, the end of what it is in, or (at the top) nothing more. */
  after (c: number): Expect | undefined {
    const top = this.#stack[this.#stack.length - 1]
    if (top === undefined) return undefined // trailing data after the document
    if (c === 0x2c) { this.i++; return top === 0x7b ? 'key' : 'value' }
    if ((top === 0x7b && c === 0x7d) || (top === 0x5b && c === 0x5d)) return this.close()
    return undefined
  }

  private open (c: number, next: Expect): Expect {
    this.#stack.push(c)
    this.i++
    return next
  }

  private close (): Expect {
    this.#stack.pop()
    this.i++
    return 'after'
  }

  private scalar (): boolean {
    const c = this.text.charCodeAt(this.i)
    if (c === 0x22) return this.string()
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number()
    for (const word of ['true', 'false', 'null']) {
      if (this.text.startsWith(word, this.i)) { this.i += word.length; return true }
    }
    return false
  }

  private string (): boolean {
    const { text } = this
    this.i++ // opening quote
    while (this.i < text.length) {
      const c = text.charCodeAt(this.i)
      if (c === 0x22) { this.i++; return true }
      if (c < 0x20) return false
      if (c !== 0x5c) { this.i++; continue }
      const e = text.charCodeAt(this.i + 1)
      if (e === 0x75) {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(this.i + 2, this.i + 6))) return false
        this.i += 6
      } else if (this.i + 1 < text.length && '"\\/bfnrt'.includes(text[this.i + 1] as string)) {
        this.i += 2
      } else {
        return false
      }
    }
    return false
  }

  private number (): boolean {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.i, this.i + 400))
    if (m === null) return false
    this.i += m[0].length
    return true
  }
}
