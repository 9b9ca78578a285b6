import t from 'tap'
import fc from 'fast-check'
import {
  describeOperation,
  findDuplicateOperationIds,
  generateUniqueId,
  nameFromRoute,
  summaryFromName,
} from '../../src/openapi/operation-id.js'
import type { OperationRef } from '../../src/openapi/operation-id.js'
import { handlerName } from '../../src/declare/names.js'

const numRuns = 10_000
const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'SEARCH', 'PROPFIND']
const idChars = /^[\p{L}\p{N}_]+$/u

/** Word characters for Python's `\w` (letters, digits of any script, `_`). */
const wordChar = fc.constantFrom('a', 'Z', '0', '9', '_', 'é', 'ж', 'ß', '中', '٣', '𝒳')
/** Non-word characters, including a combining mark and an astral emoji. */
const nonWordChar = fc.constantFrom('/', '-', '{', '}', ':', '.', '~', ' ', '*', '\u0301', '😀', '\u200D')

/** Runs a property 10 000 times (fc.assert prints the seed on failure); returns the run count. */
function check<T> (arb: fc.Arbitrary<T>, predicate: (value: T) => boolean): number {
  let runs = 0
  fc.assert(fc.property(arb, value => { runs++; return predicate(value) }), { numRuns })
  return runs
}

// ---------------------------------------------------------------------------------------------
// generateUniqueId
// ---------------------------------------------------------------------------------------------

t.test('generateUniqueId gives FastAPI\'s ids', async t => {
  t.equal(generateUniqueId({ name: 'read_items', path: '/items/', method: 'GET' }), 'read_items_items__get')
  t.equal(generateUniqueId({ name: 'new-subscription', path: 'new-subscription', method: 'POST' }),
    'new_subscriptionnew_subscription_post')
  t.equal(generateUniqueId({ name: 'read_item', path: '/items/{item_id}', method: 'GET' }),
    'read_item_items__item_id__get')
  t.equal(generateUniqueId({ name: 'read_users', path: '/users/', method: 'get' }), 'read_users_users__get')
})

t.test('generateUniqueId is Unicode-aware like Python 3\'s \\W', async t => {
  t.equal(generateUniqueId({ name: 'lire_élément', path: '/éléments/{id}', method: 'GET' }),
    'lire_élément_éléments__id__get', 'letters of any script are word characters')
  t.equal(generateUniqueId({ name: 'n', path: '/٣/中', method: 'GET' }), 'n_٣_中_get', 'so are digits of any script')
  t.equal(generateUniqueId({ name: 'e\u0301', path: '', method: 'GET' }), 'e__get', 'a combining mark is not (Python\'s \\w excludes M*)')
  t.equal(generateUniqueId({ name: 'x', path: '/😀', method: 'GET' }), 'x___get', 'an astral character is one _')
  t.equal(generateUniqueId({ name: '', path: '', method: '' }), '_')
  t.equal(generateUniqueId({ name: 'x', path: '/', method: 'M-SEARCH' }), 'x__m_search', 'the method is kept within word characters')
})

t.test('FastAPI\'s scheme collides for /a-b and /a_b; the duplicate check catches it', async t => {
  const a: OperationRef = { operationId: generateUniqueId({ name: 'read', path: '/a-b', method: 'GET' }), method: 'GET', url: '/a-b' }
  const b: OperationRef = { operationId: generateUniqueId({ name: 'read', path: '/a_b', method: 'GET' }), method: 'GET', url: '/a_b' }
  t.equal(a.operationId, 'read_a_b_get')
  t.equal(b.operationId, a.operationId)
  t.same(findDuplicateOperationIds([a, b]), [{ operationId: 'read_a_b_get', first: a, second: b }])
})

t.test('property: generateUniqueId is stable and stays within [\\p{L}\\p{N}_]', async t => {
  const anyText = fc.string({ unit: 'binary', maxLength: 12 })
  t.equal(check(fc.record({ name: anyText, path: anyText, method: fc.oneof(fc.constantFrom(...methods), anyText) }), op => {
    const id = generateUniqueId(op)
    return id === generateUniqueId({ ...op }) && idChars.test(id)
  }), numRuns)
})

/**
 * The property that holds: with the same name and method, two different paths of the same
 * length (in code points) that agree wherever either has a non-word character get different
 * ids. (Paths that differ where one has a non-word character can collide: /a-b, /a_b.)
 */
t.test('property: paths that differ only in word characters get distinct ids', async t => {
  const position = fc.oneof(
    nonWordChar.map(c => [c, c] as const),
    fc.tuple(wordChar, wordChar),
  )
  const differing = fc.tuple(wordChar, wordChar).filter(([x, y]) => x !== y)
  const pair = fc.tuple(fc.array(position, { maxLength: 8 }), differing, fc.nat(8), fc.string({ maxLength: 6 }), fc.constantFrom(...methods))
  t.equal(check(pair, ([positions, diff, at, name, method]) => {
    const all = [...positions]
    all.splice(Math.min(at, all.length), 0, diff)
    const p1 = all.map(([x]) => x).join('')
    const p2 = all.map(([, y]) => y).join('')
    return generateUniqueId({ name, path: p1, method }) !== generateUniqueId({ name, path: p2, method })
  }), numRuns)
})

t.test('property: the same name and path with different methods get distinct ids', async t => {
  const input = fc.tuple(fc.string({ unit: 'binary', maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 8 }),
    fc.uniqueArray(fc.constantFrom(...methods), { minLength: 2, maxLength: 2 }))
  t.equal(check(input, ([name, path, [m1, m2]]) =>
    generateUniqueId({ name, path, method: m1 as string }) !== generateUniqueId({ name, path, method: m2 as string })), numRuns)
})

t.test('property: replacing a non-word character of the path by _ clashes, and is caught', async t => {
  const input = fc.tuple(fc.array(fc.oneof(wordChar, nonWordChar), { maxLength: 8 }), nonWordChar, fc.nat(8), fc.constantFrom(...methods))
  t.equal(check(input, ([chars, bad, at, method]) => {
    const left = [...chars]
    left.splice(Math.min(at, left.length), 0, bad)
    const right = left.map(c => (c === bad ? '_' : c))
    const ops: OperationRef[] = [left, right].map(cs => {
      const url = `/${cs.join('')}`
      return { operationId: generateUniqueId({ name: 'op', path: url, method }), method, url }
    })
    const clashes = findDuplicateOperationIds(ops)
    return clashes.length === 1 && clashes[0]?.first === ops[0] && clashes[0]?.second === ops[1]
  }), numRuns)
})

// ---------------------------------------------------------------------------------------------
// nameFromRoute
// ---------------------------------------------------------------------------------------------

t.test('nameFromRoute', async t => {
  t.equal(nameFromRoute('GET', '/users/me'), 'get_users_me')
  t.equal(nameFromRoute('GET', '/'), 'get')
  t.equal(nameFromRoute('GET', '/items/{id}'), 'get_items_id')
  t.equal(nameFromRoute('GET', '/items/:id'), 'get_items_id')
  t.equal(nameFromRoute('put', '/get-or-create-task/{task_id}'), 'put_get_or_create_task_task_id')
  t.equal(nameFromRoute('GET', '/files/*'), 'get_files')
  t.equal(nameFromRoute('GET', '/_internal/'), 'get__internal', 'literal underscores inside are kept')
  t.equal(nameFromRoute('POST', '/élément'), 'post_élément')
  t.equal(nameFromRoute('', ''), '')
})

t.test('property: nameFromRoute is made of word characters, trimmed, and {id} equals :id', async t => {
  const segment = fc.string({ unit: fc.oneof(wordChar, nonWordChar), maxLength: 6 })
  const input = fc.tuple(fc.constantFrom(...methods), fc.array(segment, { maxLength: 4 }), fc.stringMatching(/^[a-z_]{1,5}$/))
  t.equal(check(input, ([method, segments, param]) => {
    const base = `/${segments.join('/')}`
    const name = nameFromRoute(method, base)
    const braces = nameFromRoute(method, `${base}/{${param}}`)
    const colon = nameFromRoute(method, `${base}/:${param}`)
    return idChars.test(name) && !/^_|_$/.test(name) &&
      braces === colon && name.startsWith(method.toLowerCase())
  }), numRuns)
})

// ---------------------------------------------------------------------------------------------
// handlerName
// ---------------------------------------------------------------------------------------------

t.test('handlerName', async t => {
  t.equal(handlerName(function read_items () { return 1 }), 'read_items')
  t.equal(handlerName({ handler: function read_items () { return 1 } }.handler), 'read_items')
  t.equal(handlerName({ handler: () => 1 }.handler), undefined, 'the name inferred from handler')
  t.equal(handlerName({ resolve: () => 1 }.resolve), undefined, 'the name inferred from resolve')
  t.equal(handlerName({ handler () { return 1 } }.handler), undefined, 'method shorthand')
  t.equal(handlerName(() => 1), undefined, 'an anonymous arrow')
  t.equal(handlerName(function () { return 1 }), undefined, 'an anonymous function')
  t.equal(handlerName(undefined), undefined)
  const readUsers = (): number => 1
  t.equal(handlerName(readUsers), 'readUsers', 'a named const')
  t.equal(handlerName(readUsers.bind(null)), 'readUsers', 'bound')
  t.equal(handlerName(readUsers.bind(null).bind(null)), 'readUsers', 'bound twice')
  t.equal(handlerName((() => 1).bind(null)), undefined, 'a bound anonymous function')
  t.equal(handlerName({ handler: () => 1 }.handler.bind(null)), undefined, 'bound handler')
  t.equal(handlerName(async function fetchItems () { return 1 }), 'fetchItems')
  t.equal(handlerName(class Items {}), 'Items')
  const renamed = Object.defineProperty(function x () { return 1 }, 'name', { value: 42 })
  t.equal(handlerName(renamed), undefined, 'a name that is not a string')
})

// ---------------------------------------------------------------------------------------------
// summaryFromName
// ---------------------------------------------------------------------------------------------

t.test('summaryFromName', async t => {
  t.equal(summaryFromName('read_items'), 'Read Items')
  t.equal(summaryFromName('readItems'), 'Read Items')
  t.equal(summaryFromName('ReadItems'), 'Read Items')
  t.equal(summaryFromName('new-subscription'), 'New Subscription')
  t.equal(summaryFromName('get_users_me'), 'Get Users Me')
  t.equal(summaryFromName('getHTTPResponse'), 'Get Http Response', 'a capital run ends before the last capital')
  t.equal(summaryFromName('HTTPServer'), 'Http Server')
  t.equal(summaryFromName('read2Items'), 'Read2 Items')
  t.equal(summaryFromName(''), '')
})

t.test('summaryFromName capitalises as Python\'s str.title() does', async t => {
  // Expected values from CPython: name.replace('_', ' ').title()
  t.equal(summaryFromName('2nd_place'), '2Nd Place', 'a digit is not cased: the next letter starts a word')
  t.equal(summaryFromName("they're"), "They'Re")
  t.equal(summaryFromName('__init__'), '  Init  ', 'each _ is one space, none trimmed')
  t.equal(summaryFromName('ǆemal_straße'), 'ǅemal Straße', 'digraphs title-case to their title form')
  t.equal(summaryFromName('ßa'), 'Ssa', 'ß title-cases to Ss, not SS')
  t.equal(summaryFromName('ﬁnance'), 'Finance')
  t.equal(summaryFromName('ᾳ'), 'ᾼ')
  t.equal(summaryFromName('ვ'), 'ვ', 'Georgian Mkhedruli is its own title case')
  t.equal(summaryFromName('ΟΔΟΣ'), 'Οδος', 'final sigma')
  t.equal(summaryFromName('ΟΔΟΣ_ΟΔΟΣ'), 'Οδος Οδος')
  t.equal(summaryFromName('ΑΣ\u0301Α'), 'Ασ\u0301Α', 'not final when a cased letter follows case-ignorables (which also end the word)')
  t.equal(summaryFromName('Σ'), 'Σ')
  t.equal(summaryFromName('.Σ'), '.Σ')
  t.equal(summaryFromName('Ǆ_ǅ'), 'ǅ ǅ')
  t.equal(summaryFromName('ʰΣ'), 'ʰσ', 'ʰ is cased and case-ignorable: nothing cased before Σ')
  t.equal(summaryFromName('.ʰΣ'), '.ʰσ')
  t.equal(summaryFromName('中a'), '中A', 'a letter without case does not continue a word')
  t.equal(summaryFromName('ⓐⓑ_x'), 'Ⓐⓑ X', 'a cased symbol does')
})

t.test('property: camelCase and snake_case spellings of one name give one summary', async t => {
  // Words of two characters or more: PascalCase `AB` cannot tell `a_b` from `ab`.
  const words = fc.array(fc.stringMatching(/^[a-z][a-z0-9]{1,5}$/), { minLength: 1, maxLength: 4 })
  t.equal(check(words, ws => {
    const snake = ws.join('_')
    const camel = ws.map((w, i) => (i === 0 ? w : w[0]?.toUpperCase() + w.slice(1))).join('')
    const pascal = ws.map(w => w[0]?.toUpperCase() + w.slice(1)).join('')
    const kebab = ws.join('-')
    const expected = summaryFromName(snake)
    return summaryFromName(camel) === expected && summaryFromName(pascal) === expected && summaryFromName(kebab) === expected
  }), numRuns)
})

// ---------------------------------------------------------------------------------------------
// findDuplicateOperationIds, describeOperation
// ---------------------------------------------------------------------------------------------

t.test('findDuplicateOperationIds reports every pair once, in order', async t => {
  const a: OperationRef = { operationId: 'x', method: 'GET', url: '/a' }
  const b: OperationRef = { operationId: 'y', method: 'GET', url: '/b' }
  const c: OperationRef = { operationId: 'x', method: 'POST', url: '/c' }
  const d: OperationRef = { operationId: 'x', method: 'POST', url: 'hook', kind: 'webhook' }
  t.same(findDuplicateOperationIds([]), [])
  t.same(findDuplicateOperationIds([a, b]), [])
  const clashes = findDuplicateOperationIds([a, b, c, d])
  t.equal(clashes.length, 3)
  t.same(clashes.map(p => [p.first.url, p.second.url]), [['/a', '/c'], ['/a', 'hook'], ['/c', 'hook']])
  t.equal(clashes[0]?.first, a, 'the operations themselves, not copies')
  t.ok(clashes.every(p => p.operationId === 'x'))
})

t.test('property: duplicates are all n·(n-1)/2 pairs per id, first before second', async t => {
  const ops: fc.Arbitrary<OperationRef[]> = fc.array(fc.record({
    operationId: fc.constantFrom('a', 'b', 'c', 'd'),
    method: fc.constantFrom(...methods),
    url: fc.string({ maxLength: 3 }),
  }), { maxLength: 12 })
  t.equal(check(ops, list => {
    const counts = new Map<string, number>()
    for (const op of list) counts.set(op.operationId, (counts.get(op.operationId) ?? 0) + 1)
    let expected = 0
    for (const n of counts.values()) expected += (n * (n - 1)) / 2
    const clashes = findDuplicateOperationIds(list)
    const keys = new Set(clashes.map(p => `${list.indexOf(p.first)}:${list.indexOf(p.second)}`))
    return clashes.length === expected && keys.size === expected && clashes.every(p =>
      p.first.operationId === p.operationId && p.second.operationId === p.operationId &&
      list.indexOf(p.first) < list.indexOf(p.second))
  }), numRuns)
})

t.test('describeOperation', async t => {
  t.equal(describeOperation({ operationId: 'x', method: 'GET', url: '/items/' }), 'GET /items/')
  t.equal(describeOperation({ operationId: 'x', method: 'get', url: '/items/', kind: 'route' }), 'GET /items/')
  t.equal(describeOperation({ operationId: 'x', method: 'POST', url: 'new-subscription', kind: 'webhook' }),
    'webhook POST new-subscription')
})
