/**
 * The layering of src/ holds: every import follows the arrows of rooms.ts, no import cycle,
 * no file over the limit. The second half shows that the check catches each kind of breach.
 */
import t from 'tap'
import { check, importsOf } from './check.js'
import { MAX_LINES, rooms } from './rooms.js'
import { sources } from './sources.js'

const src = sources('src')

t.test('src/ follows the rooms and their arrows', async t => {
  t.ok(src.size > 20, 'the sources were found')
  t.same(check(src, rooms, MAX_LINES), [])
})

t.test('every room of the table exists or is one being added; every folder is a room', async t => {
  const present = new Set([...src.keys()].map(f => f.slice(4).split('/')[0]!.replace(/\.ts$/, '')))
  for (const room of present) t.ok(room in rooms, `${room} is in the table`)
})

// ---------------------------------------------------------------------------------------------
// The check fails when it should
// ---------------------------------------------------------------------------------------------

const base = new Map([
  ['src/errors.ts', 'export class RoutecraftError extends Error {}\n'],
  ['src/declare/route.ts', "import { RoutecraftError } from '../errors.js'\nimport type { FastifyRequest } from 'fastify'\nexport const x = RoutecraftError\n"],
  ['src/compile/route.ts', "import fp from 'fastify-plugin'\nimport { x } from '../declare/route.js'\nexport const y = [fp, x]\n"],
  ['src/testing/index.ts', "import { y } from '../compile/route.js'\nexport const z = y\n"],
])
const variant = (path: string, text: string): Map<string, string> => new Map([...base, [path, text]])

t.test('the made-up sources pass as they are', async t => {
  t.same(check(base, rooms, MAX_LINES), [])
})

t.test('a forbidden arrow fails', async t => {
  const problems = check(variant('src/declare/route.ts', "import { y } from '../compile/route.js'\nexport const x = y\n"), rooms, MAX_LINES)
  t.match(problems, [/src\/declare\/route\.ts imports src\/compile\/route\.ts: declare may not import compile/, /import cycle: src\/compile\/route\.ts → src\/declare\/route\.ts/])
})

t.test('a re-export and a dynamic import count as imports', async t => {
  t.match(check(variant('src/errors.ts', "export { x } from './declare/route.js'\n"), rooms, MAX_LINES), [/errors may not import declare; it may import error-messages/, /import cycle/])
  t.match(check(variant('src/errors.ts', "export const f = () => import('./compile/route.js')\n"), rooms, MAX_LINES), [/errors may not import compile/])
})

t.test('types from a types-only room pass; values do not', async t => {
  const extra = variant('src/responses/temporal.ts', 'export class TemporalResponse {}\n')
  extra.set('src/declare/types.ts', "import type { TemporalResponse } from '../responses/temporal.js'\nexport type T = TemporalResponse\n")
  t.same(check(extra, rooms, MAX_LINES), [])
  extra.set('src/declare/types.ts', "import { TemporalResponse } from '../responses/temporal.js'\nexport const T = TemporalResponse\n")
  t.match(check(extra, rooms, MAX_LINES), [/declare may not import responses \(types only: write `import type`\)/])
})

t.test('Fastify in a room that may not import it fails', async t => {
  t.match(check(variant('src/openapi/merge.ts', "import type { FastifyInstance } from 'fastify'\nexport type F = FastifyInstance\n"), rooms, MAX_LINES), [/src\/openapi\/merge\.ts imports fastify \(types\): openapi may import no Fastify/])
  t.match(check(variant('src/declare/route.ts', "import fp from 'fastify-plugin'\nexport const x = fp\n"), rooms, MAX_LINES), [/declare may import Fastify types only/])
  t.match(check(variant('src/webhooks/send.ts', "import '@fastify/cookie'\n"), rooms, MAX_LINES), [/webhooks may import no Fastify/])
})

t.test('an entry point of its own may not be imported from src/', async t => {
  t.match(check(variant('src/compile/route.ts', "import { z } from '../testing/index.js'\nexport const y = z\n"), rooms, MAX_LINES), [/testing is an entry point of its own/, /import cycle/])
})

t.test('a cycle inside one room fails, type-only imports included', async t => {
  const files = variant('src/declare/a.ts', "import type { B } from './b.js'\nexport type A = B | 1\n")
  files.set('src/declare/b.ts', "import type { A } from './a.js'\nexport type B = A | 2\n")
  t.match(check(files, rooms, MAX_LINES), ['import cycle: src/declare/a.ts → src/declare/b.ts'])
  t.match(check(variant('src/declare/self.ts', "import './self.js'\n"), rooms, MAX_LINES), ['import cycle: src/declare/self.ts'])
})

t.test('a folder that is no room, a missing file and a long file fail', async t => {
  t.match(check(variant('src/misc/x.ts', 'export {}\n'), rooms, MAX_LINES), [/src\/misc\/x\.ts is in src\/misc, which is no room/])
  t.match(check(variant('src/compile/x.ts', "import './gone.js'\n"), rooms, MAX_LINES), [/imports \.\/gone\.js, which is not a file of src\//])
  t.match(check(variant('src/compile/x.ts', 'export {}\n'.repeat(MAX_LINES + 1)), rooms, MAX_LINES), [`src/compile/x.ts has ${MAX_LINES + 1} lines; split it along its seams (at most ${MAX_LINES})`])
  t.same(check(variant('src/compile/x.ts', 'export {}\n'.repeat(MAX_LINES)), rooms, MAX_LINES), [])
})

t.test('importsOf tells type-only imports from the others', async t => {
  const found = importsOf('src/a/x.ts', [
    "import type { A } from './a.js'",
    "import { type B, type C } from './b.js'",
    "import { type D, E } from './d.js'",
    "import F from './f.js'",
    "import * as G from './g.js'",
    "import './h.js'",
    "export type { I } from './i.js'",
    "export * from './j.js'",
    "export { type K } from './k.js'",
    "type L = import('./l.js').L",
  ].join('\n'))
  t.same(found.map(i => [i.file, i.typeOnly]), [
    ['src/a/a.ts', true], ['src/a/b.ts', true], ['src/a/d.ts', false], ['src/a/f.ts', false], ['src/a/g.ts', false],
    ['src/a/h.ts', false], ['src/a/i.ts', true], ['src/a/j.ts', false], ['src/a/k.ts', true], ['src/a/l.ts', true],
  ])
})
