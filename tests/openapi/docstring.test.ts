import t from 'tap'
import fc from 'fast-check'
import { cleandoc, cleanDescription } from '../../src/openapi/docstring.js'

const numRuns = 10_000

/** Text made of the characters that matter here: spaces, tabs, line breaks, form feeds. */
const text = fc.string({
  unit: fc.constantFrom(' ', ' ', ' ', '\t', '\n', '\n', '\r', '\r\n', '\f', 'a', 'b', '\u00A0', '\u3000', 'é', '😀'),
  maxLength: 40,
})
/** Text whose first line has something besides spaces (the case where cleandoc is idempotent). */
const firstLineNonBlank = fc.tuple(
  fc.string({ unit: fc.constantFrom(' ', '\t'), maxLength: 4 }),
  fc.constantFrom('a', 'é', '😀', '\f', '\u00A0'),
  text,
).map(([indent, ch, rest]) => indent + ch + rest)

/** Python's str.isspace() characters. */
const pyWs = /^[\t\n\v\f\r\x1C-\x1F \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]|[\t\n\v\f\r\x1C-\x1F \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]$/

/** Runs a property 10 000 times (fc.assert prints the seed on failure); returns the run count. */
function check<T> (arb: fc.Arbitrary<T>, predicate: (value: T) => boolean): number {
  let runs = 0
  fc.assert(fc.property(arb, value => { runs++; return predicate(value) }), { numRuns })
  return runs
}

// ---------------------------------------------------------------------------------------------
// cleandoc: outputs of CPython 3.13's inspect.cleandoc for the same inputs
// ---------------------------------------------------------------------------------------------

t.test('cleandoc matches CPython 3.13 inspect.cleandoc', async t => {
  const cases: Array<[string, string]> = [
    ['  A \n  B \n   \n  ', 'A \nB \n '], // trailing spaces and a longer blank line are kept
    ['a\n\tb\n\t  c', 'a\nb\n  c'], // tabs expand to 8 columns
    ['ab\tc\n\tx', 'ab      c\nx'], // a tab goes to the next multiple of 8
    ['a  \n  b  ', 'a  \nb  '],
    ['\n  a\n    b', 'a\n  b'], // the blank first line does not count for the margin
    ['x\n\f  y\n  z', 'x\n\f  y\n  z'], // only spaces are indentation (3.13+)
    ['\u00A0a\n  b', '\u00A0a\nb'],
    ['', ''],
    ['   \n \n', ' '], // Python keeps that last space too
    ['Summary.\n\n    Details\n      indented\n    ', 'Summary.\n\nDetails\n  indented'],
    ['single line  ', 'single line  '],
    ['😀\tx', '😀       x'], // columns count code points, not UTF-16 units
  ]
  for (const [input, expected] of cases) t.equal(cleandoc(input), expected, JSON.stringify(input))
})

t.test('cleandoc handles a template literal indented in code', async t => {
  const decl = {
    description: `
      Create an item with all the information:

      - **name**: each item must have a name
        - nested
    `,
  }
  t.equal(cleandoc(decl.description),
    'Create an item with all the information:\n\n- **name**: each item must have a name\n  - nested')
})

t.test('cleandoc treats \\r\\n and a lone \\r as line breaks', async t => {
  t.equal(cleandoc('a\r\n    b\r\n      c\r\n'), 'a\nb\n  c')
  t.equal(cleandoc('a\r    b\r    c'), 'a\nb\nc')
  t.equal(cleandoc('\r\n\r\n  x\r\n'), 'x')
  t.equal(cleandoc('a\r\r\n  b'), 'a\n\nb', '\\r then \\r\\n are two breaks')
  t.equal(cleandoc('a\tb\r\tc'), 'a       b\nc', 'the column restarts after \\r')
})

t.test('cleandoc is not idempotent when the first line is blank, like Python', async t => {
  const once = cleandoc('\n  a\n    b')
  t.equal(once, 'a\n  b')
  t.equal(cleandoc(once), 'a\nb')
})

t.test('property: cleandoc is idempotent when the first line is not blank', async t => {
  t.equal(check(firstLineNonBlank, x => cleandoc(cleandoc(x)) === cleandoc(x)), numRuns)
})

t.test('property: cleandoc output has no tab, no \\r and no empty first or last line', async t => {
  // Not "no leading space": like Python, cleandoc('\n  a\nb') is '  a\nb' (the first line
  // is dropped before its margin could matter).
  t.equal(check(text, x => {
    const out = cleandoc(x)
    return !/[\t\r]/.test(out) && !out.startsWith('\n') && !out.endsWith('\n')
  }), numRuns)
})

// ---------------------------------------------------------------------------------------------
// cleanDescription
// ---------------------------------------------------------------------------------------------

t.test('cleanDescription cuts at the first form feed and strips', async t => {
  // FastAPI tests/test_openapi_model_description_trim_on_formfeed.py, as a template literal.
  const docstring = `
    A model.

    Some detail.
    \f
    Args:
      internal: not for the docs
  `
  t.equal(cleanDescription(docstring), 'A model.\n\nSome detail.')
  t.equal(cleanDescription('  keep \f drop \f drop too'), 'keep')
  t.equal(cleanDescription('first\n    second\f'), 'first\nsecond')
  t.equal(cleanDescription('text'), 'text')
  t.equal(cleanDescription(' \u00A0\u3000\x85text\x1F\u2028 '), 'text', 'Python whitespace is stripped')
  t.equal(cleanDescription('\uFEFFtext\uFEFF'), '\uFEFFtext\uFEFF', 'U+FEFF is not whitespace in Python')
  t.equal(cleanDescription('a\n  \n  b  \n  '), 'a\n\nb')
})

t.test('cleanDescription gives undefined for nothing left', async t => {
  t.equal(cleanDescription(undefined), undefined)
  t.equal(cleanDescription(''), undefined)
  t.equal(cleanDescription('\f'), undefined)
  t.equal(cleanDescription('\f only internal notes'), undefined)
  t.equal(cleanDescription('   \n\t\n  \f\n  notes'), undefined)
  t.equal(cleanDescription('\r\n\r\n'), undefined)
})

t.test('property: cleanDescription never contains \\f and is stripped or undefined', async t => {
  t.equal(check(text, x => {
    const out = cleanDescription(x)
    return out === undefined || (out !== '' && !out.includes('\f') && !pyWs.test(out))
  }), numRuns)
})

t.test('property: cleanDescription keeps what comes before the first \\f', async t => {
  t.equal(check(fc.tuple(firstLineNonBlank, text), ([before, after]) => {
    const whole = cleanDescription(`${before}\f${after}`)
    const head = cleandoc(`${before}\f${after}`).split('\f')[0] as string
    return whole === undefined ? head.trim() === '' : head.includes(whole)
  }), numRuns)
})
