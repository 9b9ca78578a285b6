/**
 * Code, docs and types must not drift apart: every code in `errorCodes` has a row in
 * docs/errors.md, no row documents a code that does not exist, and every code the sources
 * throw is in `errorCodes`.
 */
import t from 'tap'
import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { errorCodes, errorDetail, errorKind, routecraftError, RoutecraftError } from '../../src/errors.js'
import * as api from '../../src/index.js'

const repo = fileURLToPath(new URL('../../', import.meta.url))

/** The codes of the table rows of a Markdown text: rows whose first cell is `RC_ERR_…`. */
function documentedCodes (markdown: string): string[] {
  const out: string[] = []
  for (const line of markdown.split('\n')) {
    const m = /^\|\s*(?:<a id="[^"]*"><\/a>)?`(RC_ERR_[A-Z0-9_]+)`\s*\|/.exec(line)
    if (m !== null) out.push(m[1] as string)
  }
  return out
}

/** Every `'RC_ERR_…'` string literal in the given sources, with where it was seen. */
function usedCodes (sources: ReadonlyArray<{ file: string; text: string }>): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const { file, text } of sources) {
    for (const m of text.matchAll(/'(RC_ERR_[A-Z0-9_]+)'/g)) {
      const code = m[1] as string
      out.set(code, [...(out.get(code) ?? []), file])
    }
  }
  return out
}

async function sourceFiles (dir: string): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) out.push(...await sourceFiles(path))
    else if (entry.name.endsWith('.ts')) out.push(path)
  }
  return out
}

const docs = await readFile(join(repo, 'docs', 'errors.md'), 'utf8')
const known = Object.keys(errorCodes)

t.test('the row parser reads codes from table rows only', async t => {
  t.same(documentedCodes([
    '| Code | When | Fix |',
    '| <a id="rc_err_a"></a>`RC_ERR_A` | x | y |',
    '| `RC_ERR_B_C` | x | y |',
    'Text mentioning `RC_ERR_D` is not a row.',
    '| x | `RC_ERR_E` in another cell |',
  ].join('\n')), ['RC_ERR_A', 'RC_ERR_B_C'])
  const used = usedCodes([{ file: 'a.ts', text: "throw new RoutecraftError('RC_ERR_X', `see RC_ERR_Y`) // 'RC_ERR_X'" }])
  t.same([...used.keys()], ['RC_ERR_X'])
  t.same(used.get('RC_ERR_X'), ['a.ts', 'a.ts'])
})

t.test('every code in errorCodes is documented in docs/errors.md, once', async t => {
  const documented = documentedCodes(docs)
  t.ok(documented.length > 0, 'docs/errors.md has code rows')
  const missing = known.filter(code => !documented.includes(code))
  t.same(missing, [], 'codes without a row in docs/errors.md')
  const twice = documented.filter((code, i) => documented.indexOf(code) !== i)
  t.same(twice, [], 'codes with more than one row')
})

t.test('docs/errors.md documents no code that does not exist', async t => {
  const stale = documentedCodes(docs).filter(code => !known.includes(code))
  t.same(stale, [], 'rows for codes that are not in errorCodes')
})

t.test('each documented row says when and how to fix, and has its anchor', async t => {
  for (const line of docs.split('\n')) {
    const m = /^\|\s*<a id="([^"]*)"><\/a>`(RC_ERR_[A-Z0-9_]+)`\s*\|(.*)\|\s*$/.exec(line)
    if (m === null) continue
    const [, anchor, code, rest] = m as unknown as [string, string, string, string]
    t.equal(anchor, code.toLowerCase(), `${code}: anchor`)
    const cells = rest.split(/(?<!\\)\|/).map(c => c.trim())
    t.equal(cells.length, 2, `${code}: two more cells (when, how to fix)`)
    t.ok(cells.every(c => c.length >= 20), `${code}: the cells are not empty`)
  }
  t.equal(documentedCodes(docs).length, known.length, 'one row per code')
})

t.test('every code used in src/ is in errorCodes', async t => {
  const files = await sourceFiles(join(repo, 'src'))
  t.ok(files.length > 10, 'the sources were found')
  const sources = await Promise.all(files.map(async file => ({ file: relative(repo, file), text: await readFile(file, 'utf8') })))
  const used = usedCodes(sources)
  t.ok(used.size > 10, 'codes are used in the sources')
  const unknown = [...used.entries()].filter(([code]) => !(code in errorCodes)).map(([code, where]) => `${code} (${where.join(', ')})`)
  t.same(unknown, [], 'codes thrown in src/ but missing from errorCodes')
  // The reverse is informational: a code may be kept after it goes out of use.
  const unused = known.filter(code => !used.has(code))
  if (unused.length > 0) t.comment(`codes in errorCodes not used in src/: ${unused.join(', ')}`)
})

t.test('errorCodes is exported, and each code has a description', async t => {
  t.equal(api.errorCodes, errorCodes)
  for (const [code, description] of Object.entries(errorCodes)) {
    t.match(code, /^RC_ERR_[A-Z0-9_]+$/, `${code}: shape`)
    t.ok(typeof description === 'string' && description.length > 10, `${code}: description`)
  }
  const err = new RoutecraftError('RC_ERR_ROUTE_URL', 'boom')
  t.equal(err.code, 'RC_ERR_ROUTE_URL')
  t.equal(err.message, 'RC_ERR_ROUTE_URL: boom')
  t.equal(err.detail, 'boom', 'the detail is a field: nobody strips the code back out of the message')
  t.equal(err.kind, 'declaration')
  t.equal(errorKind('RC_ERR_WEBHOOK_TARGET'), 'webhook')
  t.equal(new RoutecraftError('RC_ERR_RESPONSE_HEADER', 'x').kind, 'response')
})

t.test('every code is raised by at least one test', async t => {
  const files = (await sourceFiles(join(repo, 'tests'))).filter(f => !f.endsWith('error-codes.test.ts') && !f.includes('architecture'))
  const sources = await Promise.all(files.map(async file => ({ file: relative(repo, file), text: await readFile(file, 'utf8') })))
  const asserted = usedCodes(sources)
  // A test may also expect a code inside a message pattern (`/RC_ERR_X: …/`).
  const inPatterns = new Set(sources.flatMap(s => [...s.text.matchAll(/\/(RC_ERR_[A-Z0-9_]+):/g)].map(m => m[1] as string)))
  t.same(known.filter(code => !asserted.has(code) && !inPatterns.has(code)), [], 'codes no test expects')
})

t.test('messages live in the registry: src/ builds no message of its own', async t => {
  const files = (await sourceFiles(join(repo, 'src'))).filter(f => !f.endsWith(join('src', 'errors.ts')))
  const sources = await Promise.all(files.map(async file => ({ file: relative(repo, file), text: await readFile(file, 'utf8') })))
  const built = sources.filter(s => /new RoutecraftError\s*\(/.test(s.text)).map(s => s.file)
  t.same(built, [], 'files that construct a RoutecraftError with a message of their own instead of routecraftError()')
  const assembled = sources.filter(s => /super\(\s*'RC_ERR_[A-Z0-9_]+',\s*[`'"]/.test(s.text)).map(s => s.file)
  t.same(assembled, [], 'subclasses that pass a message of their own instead of errorDetail()')
  // Every message of the table is used somewhere (by its name), so none is dead text.
  const all = sources.map(s => s.text).join('\n')
  const table = await readFile(join(repo, 'src', 'error-messages.ts'), 'utf8')
  const names = new Set([...table.matchAll(/^ {2,4}(\w+): '/gm)].map(m => m[1] as string))
  t.ok(names.size > 50, 'the message names were read')
  t.same([...names].filter(name => !all.includes(`'${name}'`)), [], 'messages no source raises')
})

t.test('a message is its template with the values filled in', async t => {
  t.equal(errorDetail('RC_ERR_ROUTE_URL', 'start', { where: 'route GET x', url: 'x' }), 'route GET x: url must be a string starting with "/", got "x"', 'json')
  t.equal(errorDetail('RC_ERR_ROUTE_METHOD', 'unknown', { where: 'w', method: 1, known: new Set(['GET', 'POST']) }), 'w: unknown HTTP method 1; use one of GET, POST', 'list')
  t.equal(errorDetail('RC_ERR_ROUTE_URL', 'start', { where: 'w', url: undefined }), 'w: url must be a string starting with "/", got undefined', 'undefined has no JSON form')
  t.equal(errorDetail('RC_ERR_TESTING_CAPTURE', 'none'), 'captureWebhooks() needs at least one webhook', 'a message without values')
  const err = routecraftError('RC_ERR_ROUTE_PATH_PARAM', 'twice', { where: 'route GET /a/{id}/{id}', name: 'id' })
  t.ok(err instanceof RoutecraftError)
  t.equal(err.message, 'RC_ERR_ROUTE_PATH_PARAM: route GET /a/{id}/{id}: path parameter "id" appears twice')
  t.equal(err.detail, 'route GET /a/{id}/{id}: path parameter "id" appears twice')
  t.equal(err.kind, 'declaration')
  // The values a template names are required, and only a code's own messages exist (checked by tsc).
  const typeChecks = (): unknown[] => [
    // @ts-expect-error: `name` is missing
    routecraftError('RC_ERR_ROUTE_PATH_PARAM', 'twice', { where: 'w' }),
    // @ts-expect-error: RC_ERR_ROUTE_URL has no message 'twice'
    routecraftError('RC_ERR_ROUTE_URL', 'twice', { where: 'w', name: 'n' }),
    // @ts-expect-error: a message with values needs them
    routecraftError('RC_ERR_ROUTE_URL', 'start'),
  ]
  t.type(typeChecks, 'function')
})
