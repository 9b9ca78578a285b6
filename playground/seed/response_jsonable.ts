/**
 * Seed: "Return a Response Directly", using `jsonable_encoder` in a response.
 *
 * A direct response is sent as it is, so its content must be JSON data already: the handler
 * turns the item into JSON data with `jsonable()` before returning it with `withResponse`.
 *
 * Pydantic holds `timestamp` as a `datetime` and `jsonable_encoder` writes it back in ISO 8601
 * as pydantic serializes datetimes: seconds always, microseconds only when not zero (six
 * digits), the zone as it came (`Z` for UTC, `±HH:MM` otherwise), none when none was sent.
 * A JavaScript `Date` cannot hold that: it reads a zone-less date-time in the server's time
 * zone and keeps neither the offset nor microseconds. So the port keeps the validated string
 * and only rewrites it into pydantic's form ({@link isoformat}); no answer depends on the
 * server's time zone.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import { jsonable, model, nullable, openapi, route, titled, withResponse } from '../../src/index.js'

/** Pydantic's `Item`: `title: str`, `timestamp: datetime`, `description: str | None = None`. */
export const Item = model('Item', {
  title: Type.String(),
  // Lenient as FastAPI: with or without a zone (`2023-01-01T12:00:00`).
  timestamp: Type.String({ format: 'date-time' }),
  description: nullable(Type.String()),
})

// What the date-time format lets through: a date, `T`/`t`/space, hours and minutes, optional
// seconds and fraction, optional zone (`Z`/`z`, `±HH:MM` or `±HHMM`).
const PARTS = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/

/**
 * A validated date-time as pydantic writes a `datetime` in JSON mode:
 * `2023-01-01T12:00:00.5-05:30` → `2023-01-01T12:00:00.500000-05:30`, `…+00:00` → `…Z`,
 * `2023-01-01 12:00` → `2023-01-01T12:00:00`. Plain string work: no `Date`, no time zone.
 */
export function isoformat (text: string): string {
  const m = PARTS.exec(text)
  /* c8 ignore next -- the body schema's date-time format only lets matching strings through */
  if (m === null) return text
  const [, date, hoursMinutes, seconds = '00', fraction = '', z, sign, offsetHours, offsetMinutes] = m
  // Microseconds: six digits, the rest cut off (not rounded), none when they are all zero.
  const micro = fraction.slice(0, 6).padEnd(6, '0')
  let zone = ''
  if (z !== undefined || (offsetHours === '00' && offsetMinutes === '00')) zone = 'Z'
  else if (sign !== undefined) zone = `${sign}${offsetHours}:${offsetMinutes}`
  return `${date}T${hoursMinutes}:${seconds}${/^0+$/.test(micro) ? '' : `.${micro}`}${zone}`
}

export async function build (): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(openapi())

  await app.register(route({
    method: 'PUT',
    url: '/items/{id}',
    params: Type.Object(titled({ id: Type.String() })),
    body: Item,
    handler: function update_item ({ body }) {
      // What pydantic holds, written back as jsonable_encoder writes it.
      const item = { ...body, timestamp: isoformat(body.timestamp) }
      const json_compatible_item_data = jsonable(item)
      return withResponse(json_compatible_item_data)
    },
  }))
  return app
}
