// The codec webhook() builds from its body schema: validation of a copy, FastAPI-shaped issues,
// and a payload that cannot be copied for validation.
import t from 'tap'
import { Type } from '@sinclair/typebox'
import { webhook } from '../../src/index.js'

const Event = Type.Object({ id: Type.Integer(), note: Type.String({ default: '' }) })

t.test('the payload is validated as a copy: defaults filled, extras removed, caller untouched', async t => {
  const hook = webhook({ name: 'thing-happened', body: Event })
  const payload = { id: 1, extra: true }
  t.same(hook.codec.validate(payload), { ok: true, value: { id: 1, note: '' } })
  t.same(payload, { id: 1, extra: true }, 'the caller\'s object is unchanged')
  t.same(hook.codec.validate({ id: 'x' } as never), { ok: false, errors: [{ type: 'int_type', loc: ['id'], msg: 'Input should be a valid integer', input: 'x' }] })
  t.equal(hook.codec.serialize({ id: 2, note: 'n' }), '{"id":2,"note":"n"}')
})

t.test('a payload structuredClone cannot copy is a validation error, not a throw', async t => {
  const hook = webhook({ name: 'thing-happened', body: Type.Object({ id: Type.Integer(), cb: Type.Any() }) })
  const result = hook.codec.validate({ id: 1, cb: () => 1 })
  t.same(result, {
    ok: false,
    errors: [{ type: 'value_error', loc: [], msg: 'Value error, the payload cannot be cloned (functions or class instances with private state)', input: null }],
  })
})

t.test('without a body schema, anything passes and is serialized as jsonable JSON', async t => {
  const hook = webhook({ name: 'ping' })
  const fn = () => 1
  t.same(hook.codec.validate(fn as never), { ok: true, value: fn }, 'no schema: no copy, no check')
  t.equal(hook.codec.serialize(undefined as never), 'null')
})
