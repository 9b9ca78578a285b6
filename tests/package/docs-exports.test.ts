/**
 * What the docs say is exported is exported: every name a code block of README.md or docs/
 * imports from `routecraft` or a subpath, and every function a paragraph says is "exported
 * from `routecraft/…`", exists in that entry point.
 */
import t from 'tap'
import ts from 'typescript'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const docs = ['README.md', ...readdirSync(join(repo, 'docs')).filter(f => f.endsWith('.md')).map(f => `docs/${f}`)]

/** The entry points: `routecraft` is src/index.ts, `routecraft/<sub>` is src/<sub>/index.ts. */
const entryFiles = new Map([['routecraft', join(repo, 'src', 'index.ts')], ...readdirSync(join(repo, 'src'), { withFileTypes: true })
  .filter(d => d.isDirectory() && existsSync(join(repo, 'src', d.name, 'index.ts')))
  .map(d => [`routecraft/${d.name}`, join(repo, 'src', d.name, 'index.ts')] as [string, string])])
const program = ts.createProgram([...entryFiles.values()], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, types: ['node'], noEmit: true })
const checker = program.getTypeChecker()

/** The names (values and types) an entry point exports; undefined for no such entry point. */
function entry (specifier: string): Set<string> | undefined {
  const file = entryFiles.get(specifier)
  if (file === undefined) return undefined
  return new Set(checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(file)!)!).map(s => s.name))
}

t.test('the names code blocks import exist', async t => {
  let count = 0
  for (const doc of docs) {
    const text = readFileSync(join(repo, doc), 'utf8')
    for (const m of text.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'(routecraft(?:\/[a-z]+)?)'/g)) {
      const names = entry(m[2]!)
      t.ok(names !== undefined, `${doc}: ${m[2]} is an entry point`)
      for (const raw of m[1]!.split(',')) {
        const name = raw.replace(/\btype\s+/, '').split(/\s+as\s+/)[0]!.trim()
        if (name === '') continue
        count++
        t.ok(names?.has(name), `${doc}: ${name} is exported from ${m[2]}`)
      }
    }
  }
  t.ok(count > 40, `${count} imported names checked`)
})

t.test('the names a sentence says are exported from an entry point are', async t => {
  let count = 0
  for (const doc of docs) {
    const text = readFileSync(join(repo, doc), 'utf8').replace(/```[\s\S]*?```/g, '')
    for (const sentence of text.split(/\.\s/)) {
      const m = /exported\s+from\s+`(routecraft(?:\/[a-z]+)?)`/.exec(sentence)
      if (m === null) continue
      const names = entry(m[1]!)
      t.ok(names !== undefined, `${doc}: ${m[1]} is an entry point`)
      for (const name of sentence.matchAll(/`([A-Za-z_$][\w$]*)(?:\([^`]*\))?`/g)) {
        if (/^[A-Z0-9_]+$/.test(name[1]!)) continue // an error code
        count++
        t.ok(names?.has(name[1]!), `${doc}: ${name[1]} is exported from ${m[1]}`)
      }
    }
  }
  t.ok(count >= 10, `${count} names checked in such sentences`)
})
