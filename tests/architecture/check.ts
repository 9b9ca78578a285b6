/**
 * The import check: reads every import of a set of source files with TypeScript's parser and
 * reports each arrow the rooms table does not allow, every import cycle, and every file over
 * the line limit. Pure: it takes the files' texts, so the test can also feed it made-up files.
 */
import ts from 'typescript'
import { posix } from 'node:path'
import type { Room } from './rooms.js'

/** One import of one file. */
export interface Import {
  readonly from: string
  readonly specifier: string
  /** The imported file (`src/…/x.ts`) for a relative import; undefined for a package. */
  readonly file: string | undefined
  readonly typeOnly: boolean
}

const FASTIFY = /^(?:fastify|fastify-plugin|@fastify\/.+)$/

/** The imports (and `export … from`, and `import()`) of one file. */
export function importsOf (path: string, text: string): Import[] {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS)
  const out: Import[] = []
  const add = (specifier: string, typeOnly: boolean): void => {
    const file = specifier.startsWith('.') ? posix.join(posix.dirname(path), specifier).replace(/\.js$/, '.ts') : undefined
    out.push({ from: path, specifier, file, typeOnly })
  }
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause
      const named = clause?.namedBindings
      const allTypes = clause !== undefined && (clause.isTypeOnly || (clause.name === undefined && named !== undefined &&
        ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every(e => e.isTypeOnly)))
      add(node.moduleSpecifier.text, allTypes)
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.exportClause
      const allTypes = node.isTypeOnly || (clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every(e => e.isTypeOnly))
      add(node.moduleSpecifier.text, allTypes)
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments
      if (arg !== undefined && ts.isStringLiteral(arg)) add(arg.text, false)
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text, true)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return out
}

/** The room of a file of src/: its folder, or its name for a file at the top. */
export function roomOf (file: string): string {
  const rest = file.slice('src/'.length)
  const slash = rest.indexOf('/')
  return slash === -1 ? rest.replace(/\.ts$/, '') : rest.slice(0, slash)
}

/** Every import cycle among `files`, each as the list of its files (Tarjan's algorithm). */
export function cycles (edges: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0
  const indices = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  const strong = (v: string): void => {
    indices.set(v, index)
    low.set(v, index)
    index++
    stack.push(v)
    onStack.add(v)
    for (const w of edges.get(v) ?? []) {
      if (!indices.has(w)) {
        strong(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, indices.get(w)!))
      }
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = []
      let w: string
      do {
        w = stack.pop()!
        onStack.delete(w)
        component.push(w)
      } while (w !== v)
      if (component.length > 1 || (edges.get(v) ?? []).includes(v)) found.push(component.sort())
    }
  }
  for (const v of [...edges.keys()].sort()) if (!indices.has(v)) strong(v)
  return found
}

/** Every breach of the rules by `files` (path `src/…` → text); empty when all is well. */
export function check (files: ReadonlyMap<string, string>, rooms: Readonly<Record<string, Room>>, maxLines: number): string[] {
  const problems: string[] = []
  const edges = new Map<string, string[]>()
  for (const [path, text] of files) {
    const lines = text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length
    if (lines > maxLines) problems.push(`${path} has ${lines} lines; split it along its seams (at most ${maxLines})`)
    const room = roomOf(path)
    const rules = rooms[room]
    if (rules === undefined) {
      problems.push(`${path} is in src/${room}, which is no room; add it to tests/architecture/rooms.ts`)
      continue
    }
    const targets: string[] = []
    for (const imp of importsOf(path, text)) {
      if (imp.file === undefined) {
        if (FASTIFY.test(imp.specifier) && (rules.fastify === 'no' || (rules.fastify === 'types' && !imp.typeOnly))) {
          problems.push(`${path} imports ${imp.specifier}${imp.typeOnly ? ' (types)' : ''}: ${room} may import ${rules.fastify === 'no' ? 'no Fastify' : 'Fastify types only'}`)
        }
        continue
      }
      if (!files.has(imp.file)) {
        problems.push(`${path} imports ${imp.specifier}, which is not a file of src/`)
        continue
      }
      targets.push(imp.file)
      const to = roomOf(imp.file)
      if (to === room) continue
      const target = rooms[to]
      if (target?.private === true) {
        problems.push(`${path} imports ${imp.file}: ${to} is an entry point of its own; nothing in src/ may import it`)
      } else if (!rules.may.includes(to) && !(imp.typeOnly && (rules.types ?? []).includes(to))) {
        const typesOnly = (rules.types ?? []).includes(to) ? ` (types only: write \`import type\`)` : ''
        problems.push(`${path} imports ${imp.file}: ${room} may not import ${to}${typesOnly}; it may import ${[...rules.may, ...(rules.types ?? []).map(r => `types of ${r}`)].join(', ') || 'nothing'}`)
      }
    }
    edges.set(path, targets)
  }
  for (const cycle of cycles(edges)) problems.push(`import cycle: ${cycle.join(' → ')}`)
  return problems
}
