import t from 'tap'
import { Type } from '@sinclair/typebox'
import { describeIssues } from '../../src/webhooks/codec.js'
import type { ValidationIssue } from '../../src/webhooks/codec.js'
import { subscription, subscriptionCodec, typeboxCodec } from '../support/webhooks.js'

const issue = (loc: Array<string | number>, msg = 'bad'): ValidationIssue => ({ type: 't', loc, msg, input: null })

t.test('describeIssues renders loc: msg, bounded', async t => {
  t.equal(describeIssues([issue(['user', 'tags', 3], 'Field required')]), 'user.tags.3: Field required')
  t.equal(describeIssues([issue([], 'Expected object')]), '(root): Expected object')
  t.equal(describeIssues([]), 'the value does not match the schema')
  const many = Array.from({ length: 8 }, (_, i) => issue([`f${i}`]))
  t.equal(describeIssues(many), 'f0: bad; f1: bad; f2: bad; f3: bad; f4: bad; and 3 more')
  t.equal(describeIssues(many, 2), 'f0: bad; f1: bad; and 6 more')
})

t.test('the test codec behaves as webhook() promises: clean, check, FastAPI-shaped issues', async t => {
  const valid = subscriptionCodec.validate({ ...subscription, extra: true })
  t.same(valid, { ok: true, value: subscription })
  const input = { username: 'rick', monthly_fee: 'x' }
  t.same(subscriptionCodec.validate(input), {
    ok: false,
    errors: [
      { type: '45', loc: ['start_date'], msg: 'Expected required property', input: undefined },
      { type: '41', loc: ['monthly_fee'], msg: 'Expected number', input: 'x' },
      { type: '54', loc: ['start_date'], msg: 'Expected string', input: undefined },
    ],
  })
  const list = typeboxCodec('tags', Type.Array(Type.String()))
  t.match(list.validate(['a', 3]), { ok: false, errors: [{ loc: [1] }] })
  t.equal(subscriptionCodec.serialize(subscription), JSON.stringify(subscription))
})
