/**
 * The response_jsonable port answers FastAPI's exact date-times whatever the server's time
 * zone. The expected values are FastAPI 0.142's answers to the seed's `PUT /items/{id}`
 * (pydantic 2.13 parses the `datetime` and `jsonable_encoder` writes it back: seconds always,
 * microseconds only when not zero, `Z` for UTC, the offset as `±HH:MM`, none when none was
 * sent); its own test, tests/test_tutorial/test_response_directly/test_tutorial001.py, has
 * the first row. Each zone runs in a child process started with `TZ` set, since Node reads
 * the zone once per process.
 */
import t from 'tap'
import { execFile } from 'node:child_process'
import { unmeasuredEnv } from '../support/child-env.js'
import { fileURLToPath } from 'node:url'
import { build } from '../../playground/seed/response_jsonable.js'

const FASTAPI: ReadonlyArray<readonly [string, string]> = [
  ['2023-01-01T12:00:00', '2023-01-01T12:00:00'],
  ['2023-01-01T12:00:00Z', '2023-01-01T12:00:00Z'],
  ['2023-01-01T12:00:00+02:00', '2023-01-01T12:00:00+02:00'],
  ['2023-01-01T12:00:00+00:00', '2023-01-01T12:00:00Z'],
  ['2023-01-01T12:00:00-00:00', '2023-01-01T12:00:00Z'],
  ['2023-01-01T12:00:00+0200', '2023-01-01T12:00:00+02:00'],
  ['2023-01-01T12:00:00-23:59', '2023-01-01T12:00:00-23:59'],
  ['2023-01-01T12:00:00.123456', '2023-01-01T12:00:00.123456'],
  ['2023-01-01T12:00:00.5-05:30', '2023-01-01T12:00:00.500000-05:30'],
  ['2023-01-01T12:00:00.1234567Z', '2023-01-01T12:00:00.123456Z'],
  ['2023-01-01T12:00:00.000001', '2023-01-01T12:00:00.000001'],
  ['2023-01-01T12:00:00.0000001', '2023-01-01T12:00:00'],
  ['2023-01-01T12:00:00.000Z', '2023-01-01T12:00:00Z'],
  ['2023-01-01T12:00', '2023-01-01T12:00:00'],
  ['2023-01-01T12:00Z', '2023-01-01T12:00:00Z'],
  ['2023-01-01 12:00', '2023-01-01T12:00:00'],
  ['2023-01-01t12:00:00z', '2023-01-01T12:00:00Z'],
  // Local times that do not exist (spring forward) or exist twice (fall back) in New York:
  // a Date would move or pick one of them.
  ['2023-03-12T02:30:00', '2023-03-12T02:30:00'],
  ['2023-11-05T01:30:00', '2023-11-05T01:30:00'],
  ['0001-01-01T00:00:00', '0001-01-01T00:00:00'],
  ['2024-02-29T00:00:00', '2024-02-29T00:00:00'],
]

const expected = FASTAPI.map(([, out]) => [200, { title: 'Foo', timestamp: out, description: null }])
const inputs = FASTAPI.map(([input]) => input)

t.test('in this process', async t => {
  const app = await build()
  t.teardown(() => app.close())
  for (const [input, out] of FASTAPI) {
    const res = await app.inject({ method: 'PUT', url: '/items/1', payload: { title: 'Foo', timestamp: input } })
    t.equal(res.statusCode, 200, input)
    t.strictSame(res.json(), { title: 'Foo', timestamp: out, description: null }, `${input} → ${out}`)
  }
})

const fixture = fileURLToPath(new URL('../fixtures/jsonable-answers.ts', import.meta.url))
const tsx = import.meta.resolve('tsx')

function inZone (tz: string): Promise<{ tz: string; offset: number; out: unknown[] }> {
  // The child is not measured: coverage is the library's, from this process.
  const env = unmeasuredEnv({ TZ: tz })
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', tsx, fixture, JSON.stringify(inputs)], { env, timeout: 120_000 }, (err, stdout, stderr) => {
      if (err !== null) reject(new Error(`${tz}: ${err.message}\n${stderr}`))
      else resolve(JSON.parse(stdout))
    })
  })
}

// Offsets from UTC in minutes on 2023-01-01, as Date#getTimezoneOffset gives them: each zone
// is really in force in its child (a zone Node does not know would fall back to UTC, 0).
for (const [tz, offset] of [['America/New_York', 300], ['Asia/Kolkata', -330], ['Pacific/Chatham', -825], ['UTC', 0]] as const) {
  t.test(`TZ=${tz}`, async t => {
    const answer = await inZone(tz)
    t.equal(answer.offset, offset, `the child runs in ${tz}`)
    t.strictSame(answer.out, expected, "FastAPI's date-times, whatever the zone")
  })
}
