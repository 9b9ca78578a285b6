/**
 * JSON values printed as pydantic prints them (src/validation/python.ts), and the literal and
 * enum messages that use them: pydantic writes `Literal[True]`'s error as "Input should be
 * True", never JSON's `true`.
 */
import t from 'tap'
import { Type } from '@sinclair/typebox'
import { orList, pyRepr, pyStr } from '../../src/validation/python.js'
import { validate } from '../../src/validation/validate.js'

t.test('pyStr and pyRepr write JSON values as Python does', async t => {
  t.equal(pyStr(null), 'None')
  t.equal(pyStr(true), 'True')
  t.equal(pyStr(false), 'False')
  t.equal(pyStr('a'), 'a')
  t.equal(pyRepr('a'), "'a'")
  t.equal(pyRepr(3), '3')
  t.equal(pyRepr(1.5), '1.5')
  t.equal(pyRepr([1, 'b', null]), "[1, 'b', None]")
  t.equal(pyRepr({ k: true }), "{'k': True}")
})

t.test('orList joins choices as pydantic does', async t => {
  t.equal(orList(["'a'"]), "'a'")
  t.equal(orList(["'a'", "'b'"]), "'a' or 'b'")
  t.equal(orList(['1', '2', '3']), '1, 2 or 3')
})

t.test('literal and enum errors print booleans and null as Python does', async t => {
  const literal = validate(Type.Object({ flag: Type.Literal(true) }), { flag: false })
  t.match(literal, { ok: false, errors: [{ type: 'literal_error', loc: ['flag'], msg: 'Input should be True', ctx: { expected: 'True' } }] })
  const choices = validate(Type.Object({ v: Type.Unsafe({ enum: [true, null, 'x', 2] }) }), { v: 'y' })
  t.match(choices, { ok: false, errors: [{ type: 'enum', loc: ['v'], msg: "Input should be True, None, 'x' or 2" }] })
  const union = validate(Type.Object({ v: Type.Union([Type.Literal(false), Type.Literal('no')]) }), { v: 1 })
  t.match(union, { ok: false, errors: [{ type: 'literal_error', msg: "Input should be False or 'no'" }] })
})
