/**
 * No function of src/ is longer than MAX_FUNCTION_LINES. The second half shows that the check
 * finds each kind of function, names it where it starts, and lets one at the limit pass.
 */
import t from 'tap'
import { describeLong, longFunctions } from './functions.js'
import { MAX_FUNCTION_LINES } from './rooms.js'
import { sources } from './sources.js'

const max = MAX_FUNCTION_LINES
const src = sources('src')

t.test('no function of src/ is over the limit', async t => {
  t.ok(src.size > 20, 'the sources were found')
  const long = [...src].flatMap(([file, text]) => longFunctions(file, text, max)).map(f => describeLong(f, max))
  t.same(long, [])
})

// ---------------------------------------------------------------------------------------------
// The check fails when it should
// ---------------------------------------------------------------------------------------------

/** `lines` lines from the opening line to the closing brace, both included. */
const body = (lines: number): string => Array.from({ length: lines - 2 }, (_, i) => `  const v${i} = ${i}\n`).join('')

t.test('a function one line over the limit is reported with its file, line and name', async t => {
  const text = `/**\n * A doc comment, not counted.\n */\nexport function long (): void {\n${body(max + 1)}}\n`
  const found = longFunctions('src/x/long.ts', text, max)
  t.same(found, [{ file: 'src/x/long.ts', line: 4, name: 'long', lines: max + 1 }])
  t.equal(describeLong(found[0]!, max), `src/x/long.ts:4 long has ${max + 1} lines; split it along its seams (at most ${max})`)
})

t.test('a function at the limit passes', async t => {
  t.same(longFunctions('src/x/ok.ts', `export function ok (): void {\n${body(max)}}\n`, max), [])
})

t.test('arrows, function expressions, methods, accessors and constructors count', async t => {
  const text = [
    `export const arrow = (): void => {\n${body(max + 1)}}`,
    `export const expression = function (): void {\n${body(max + 1)}}`,
    `export const table = {\n  entry: (): void => {\n${body(max + 1)}}\n}`,
    `export class C {\n  constructor () {\n${body(max + 1)}}\n  method (): void {\n${body(max + 1)}}\n  get value (): number {\n${body(max)}return 1\n}\n}`,
    `setTimeout(() => {\n${body(max + 1)}})`,
  ].join('\n')
  t.same(longFunctions('src/x/kinds.ts', text, max).map(f => f.name), ['arrow', 'expression', 'entry', 'C.constructor', 'C.method', 'C.value', '(anonymous)'])
})

t.test('nested functions count towards the one around them', async t => {
  const half = Math.ceil(max / 2)
  const text = `export function outer (): () => void {\n  const a = (): void => {\n${body(half)}}\n  const b = (): void => {\n${body(half)}}\n  return () => { a(); b() }\n}\n`
  t.same(longFunctions('src/x/nested.ts', text, max).map(f => [f.name, f.line]), [['outer', 1]])
})

t.test('signatures without a body are no functions', async t => {
  const text = `export interface I {\n${Array.from({ length: max + 5 }, (_, i) => `  m${i} (): void\n`).join('')}}\nexport type F = (\n${'  a: number,\n'.repeat(max + 5)}) => void\n`
  t.same(longFunctions('src/x/types.ts', text, max), [])
})
