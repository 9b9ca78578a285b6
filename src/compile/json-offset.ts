/**
 * Where malformed JSON goes wrong.
 *
 * V8's `JSON.parse` messages only sometimes carry a position, and FastAPI reports a malformed
 * body at `["body", <0-based offset>]` (Python's `JSONDecodeError.pos`). This scanner runs only
 * after `JSON.parse` has already failed, so the fast path pays nothing for it. It is iterative
 * (an explicit stack), so a hostile `[[[[…` body cannot overflow the call stack.
 */

const WS = new Set([0x20, 0x09, 0x0a, 0x0d])

/** The 0-based offset of the first character at which `text` stops being JSON. */
export function jsonErrorOffset (text: string): number {
  let i = 0
  const n = text.length
  // The stack holds what the scanner is inside: 0x7b '{' or 0x5b '['.
  const stack: number[] = []
  const skip = (): void => { while (i < n && WS.has(text.charCodeAt(i))) i++ }

  // Scans one scalar value at i; returns false when it is malformed (i at the fault).
  const scalar = (): boolean => {
    const c = text.charCodeAt(i)
    if (c === 0x22) return string()
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return number()
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) { i += word.length; return true }
    }
    return false
  }
  const string = (): boolean => {
    i++ // opening quote
    while (i < n) {
      const c = text.charCodeAt(i)
      if (c === 0x22) { i++; return true }
      if (c < 0x20) return false
      if (c === 0x5c) {
        const e = text.charCodeAt(i + 1)
        if (e === 0x75) {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return false
          i += 6
        } else if (i + 1 < n && '"\\/bfnrt'.includes(text[i + 1] as string)) {
          i += 2
        } else {
          return false
        }
      } else {
        i++
      }
    }
    return false
  }
  const number = (): boolean => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400))
    if (m === null) return false
    i += m[0].length
    return true
  }

  // expect: 'value' | 'key' | 'after-value'
  let expect: 'value' | 'key-or-end' | 'key' | 'value-or-end' | 'after' = 'value'
  for (;;) {
    skip()
    if (i >= n) return n
    const c = text.charCodeAt(i)
    if (expect === 'value' || expect === 'value-or-end') {
      if (expect === 'value-or-end' && c === 0x5d) { stack.pop(); i++; expect = 'after'; continue }
      if (c === 0x7b) { stack.push(c); i++; expect = 'key-or-end'; continue }
      if (c === 0x5b) { stack.push(c); i++; expect = 'value-or-end'; continue }
      if (!scalar()) return i
      expect = 'after'
      continue
    }
    if (expect === 'key' || expect === 'key-or-end') {
      if (expect === 'key-or-end' && c === 0x7d) { stack.pop(); i++; expect = 'after'; continue }
      if (c !== 0x22 || !string()) return i
      skip()
      if (text.charCodeAt(i) !== 0x3a) return Math.min(i, n)
      i++
      expect = 'value'
      continue
    }
    // after a value
    const top = stack[stack.length - 1]
    if (top === undefined) return i // trailing data after the document
    if (c === 0x2c) { i++; expect = top === 0x7b ? 'key' : 'value'; continue }
    if ((top === 0x7b && c === 0x7d) || (top === 0x5b && c === 0x5d)) { stack.pop(); i++; expect = 'after'; continue }
    return i
  }
}
