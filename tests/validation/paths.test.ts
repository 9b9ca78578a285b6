// PathIndex: items kept by JSON pointer, found by every pointer at or below them.
import t from 'tap'
import { Type } from '@sinclair/typebox'
import { PathIndex } from '../../src/validation/paths.js'
import { validate } from '../../src/validation/validate.js'

t.test('items at a pointer and above it, outermost first, with their depth', async t => {
  const index = new PathIndex<string>()
  index.add('', 'root')
  index.add('/a', 'a')
  index.add('/a', 'a2')
  index.add('/a/0/b', 'b')
  index.add('/x~1y', 'escaped')
  t.strictSame(index.along('/a/0/b/c', false), [['root', 0], ['a', 1], ['a2', 1], ['b', 3]])
  t.strictSame(index.along('/a/0/b', true), [['root', 0], ['a', 1], ['a2', 1]], 'strict: not the items at the pointer itself')
  t.strictSame(index.along('/a/0/b', false).at(-1), ['b', 3])
  t.strictSame(index.along('', false), [['root', 0]])
  t.strictSame(index.along('', true), [])
  t.strictSame(index.along('/z/a', false), [['root', 0]], 'a path the index does not hold')
  t.strictSame(index.along('/x~1y', false), [['root', 0], ['escaped', 1]])
  t.strictSame(new PathIndex<number>().along('/a', false), [])
})

t.test('validate(): a value nested past the stack is one recursion_loop, not a throw', async t => {
  const Nest = Type.Recursive(This => Type.Union([Type.Integer(), Type.Array(This)]), { $id: 'PathsTestNest' })
  let deep: unknown = 'x'
  for (let i = 0; i < 50_000; i++) deep = [deep]
  const result = validate(Nest, deep)
  t.equal(result.ok, false)
  if (!result.ok) {
    t.strictSame(result.errors.map(e => [e.type, e.loc, e.msg]), [['recursion_loop', [], 'Recursion error - cyclic reference detected']])
  }
})

t.test('validate(): an error that is not the stack overflowing still reaches the caller', async t => {
  const hostile = Object.defineProperty({}, 'a', { enumerable: true, get () { throw new TypeError('boom') } })
  t.throws(() => validate(Type.Object({ a: Type.String() }), hostile), { name: 'TypeError', message: 'boom' })
})
