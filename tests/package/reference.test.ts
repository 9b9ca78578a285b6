/**
 * Every export has a reference entry. The entry points are read from package.json `exports`
 * (the root and every subpath), their exported names (values and types) from the TypeScript
 * sources behind them; each name must appear in backticks in a heading of a page in docs/
 * (`### \`route(declaration)\``, `### \`BasicAuthOptions\``, several names may share one
 * heading). The README keeps the tour; the reference is docs/.
 */
import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const repo = fileURLToPath(new URL('../../', import.meta.url))

/** package.json `exports` → `{ subpath: source file }` (dist/x.js → src/x.ts). */
export function entryPoints (pkg: { exports: Record<string, unknown> }): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (subpath === './package.json') continue
    const file = typeof target === 'string' ? target : (target as Record<string, string>).import ?? (target as Record<string, string>).default
    if (typeof file !== 'string' || !file.startsWith('./dist/')) throw new Error(`package.json exports["${subpath}"]: no ./dist/ import target`)
    out[subpath] = join(repo, 'src', file.slice('./dist/'.length).replace(/\.js$/, '.ts'))
  }
  return out
}

/** The names each entry point exports, values and types. */
export function exportedNames (entries: Record<string, string>): Record<string, string[]> {
  const program = ts.createProgram(Object.values(entries), { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true, skipLibCheck: true })
  const checker = program.getTypeChecker()
  const out: Record<string, string[]> = {}
  for (const [subpath, file] of Object.entries(entries)) {
    const source = program.getSourceFile(file)
    if (source === undefined) throw new Error(`${subpath}: ${file} does not exist`)
    const symbol = checker.getSymbolAtLocation(source)
    out[subpath] = symbol === undefined ? [] : checker.getExportsOfModule(symbol).map(s => s.getName()).sort()
  }
  return out
}

/** Every Markdown file under `dir`. */
function markdownFiles (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? markdownFiles(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : [])
}

/** Names in backticks in the headings of `markdown` (`route(declaration)` → `route`; `hook.send()` → `hook`). */
export function referencedNames (markdown: string): Set<string> {
  const names = new Set<string>()
  let fenced = false
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced
    if (fenced || !/^#{1,6} /.test(line)) continue
    for (const [, code] of line.matchAll(/`([^`]+)`/g)) {
      const name = /^(?:new\s+)?([A-Za-z_$][\w$]*)/.exec(code as string)?.[1]
      if (name !== undefined) names.add(name)
    }
  }
  return names
}

/** `{ subpath: names without an entry }`, only for entry points that miss some. */
export function missingEntries (exported: Record<string, string[]>, referenced: ReadonlySet<string>): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [subpath, names] of Object.entries(exported)) {
    const missing = names.filter(n => !referenced.has(n))
    if (missing.length > 0) out[subpath] = missing
  }
  return out
}

const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { exports: Record<string, unknown> }
const entries = entryPoints(pkg)
const exported = exportedNames(entries)
const pages = markdownFiles(join(repo, 'docs'))
const referenced = new Set(pages.flatMap(file => [...referencedNames(readFileSync(file, 'utf8'))]))

t.test('the root and every subpath export are read', async t => {
  t.ok('.' in entries, 'the root entry point')
  t.ok(exported['.']!.length > 20, `the root exports ${exported['.']!.length} names`)
  for (const name of ['route', 'dependency', 'openapi', 'RouteDeclaration', 'HttpError']) t.ok(exported['.']!.includes(name), name)
})

t.test('every export has a reference entry in docs/', async t => {
  const missing = missingEntries(exported, referenced)
  t.strictSame(missing, {}, `exports without a heading naming them in docs/ (${pages.map(p => relative(repo, p)).join(', ')})`)
})

t.test('the check fails when an entry is missing', async t => {
  const page = '# Routes\n\n## `route(declaration)`\n\n```ts\n## `dependency` in a code block is no entry\n```\n### `RouteDeclaration`, `new HttpError(status)`\n'
  const names = referencedNames(page)
  t.strictSame([...names].sort(), ['HttpError', 'RouteDeclaration', 'route'])
  t.strictSame(missingEntries({ '.': ['route', 'dependency', 'HttpError'], './testing': ['testClient'] }, names), { '.': ['dependency'], './testing': ['testClient'] })
  t.throws(() => entryPoints({ exports: { './x': { types: './x.d.ts' } } }), /no \.\/dist\/ import target/)
})
