/**
 * Every type that appears in a public signature is exported: walking the declarations of every
 * export of every entry point of package.json (parameters, return types, members, base types,
 * type arguments), each named type declared in src/ must itself be exported by an entry point,
 * so that users can name what they are given (API Extractor's "forgotten export").
 */
import t from 'tap'
import ts from 'typescript'
import { readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { exports: Record<string, string | { types?: string }> }

/** The source of each entry point: `./dist/x/index.d.ts` → `src/x/index.ts`. */
const entries = Object.entries(manifest.exports)
  .flatMap(([sub, target]) => typeof target === 'object' && target.types !== undefined ? [[sub, join(repo, target.types.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$/, '.ts'))] as const] : [])

const program = ts.createProgram(entries.map(([, file]) => file), { strict: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, types: ['node'], skipLibCheck: true, noEmit: true })
const checker = program.getTypeChecker()
const inSrc = (node: ts.Node): boolean => relative(repo, node.getSourceFile().fileName).replace(/\\/g, '/').startsWith('src/')
const resolve = (symbol: ts.Symbol): ts.Symbol => symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol
const NAMED = ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Class | ts.SymbolFlags.Enum

/** Every symbol the entry points export (aliases resolved), with the entry that exports it. */
function exportedSymbols (): Map<ts.Symbol, string> {
  const out = new Map<ts.Symbol, string>()
  for (const [sub, file] of entries) {
    const source = program.getSourceFile(file)
    if (source === undefined) throw new Error(`no entry file for ${sub}: ${file}`)
    const moduleSymbol = checker.getSymbolAtLocation(source)!
    for (const symbol of checker.getExportsOfModule(moduleSymbol)) out.set(resolve(symbol), sub)
  }
  return out
}

/** The named types of src/ that a declaration's public surface refers to. */
function referencedTypes (declaration: ts.Node): ts.Symbol[] {
  const found: ts.Symbol[] = []
  const visit = (node: ts.Node): void => {
    // Bodies are not part of the surface; nor are private members, or members keyed by a
    // symbol (routecraft's own state, reachable only through symbols it does not export).
    if (ts.isBlock(node)) return
    if ((ts.isPropertyDeclaration(node) || ts.isMethodDeclaration(node) || ts.isGetAccessorDeclaration(node) || ts.isPropertySignature(node)) &&
      (ts.getCombinedModifierFlags(node) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected) || ts.isPrivateIdentifier(node.name) || ts.isComputedPropertyName(node.name))) return
    if (ts.isVariableDeclaration(node) && node.initializer !== undefined && node.type === undefined) return
    if (ts.isTypeReferenceNode(node) || ts.isExpressionWithTypeArguments(node)) {
      const target = ts.isTypeReferenceNode(node) ? node.typeName : node.expression
      const symbol = checker.getSymbolAtLocation(target)
      if (symbol !== undefined) {
        const real = resolve(symbol)
        if (real.flags & NAMED && (real.declarations ?? []).some(inSrc)) found.push(real)
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(declaration)
  return found
}

t.test('every named type in a public signature is exported', async t => {
  const exported = exportedSymbols()
  t.ok(exported.size > 30, `the entry points export ${exported.size} names`)
  const missing = new Map<string, Set<string>>()
  const seen = new Set<ts.Symbol>()
  const queue = [...exported.keys()]
  while (queue.length > 0) {
    const symbol = queue.pop()!
    if (seen.has(symbol)) continue
    seen.add(symbol)
    for (const declaration of symbol.declarations ?? []) {
      if (!inSrc(declaration)) continue
      for (const used of referencedTypes(declaration)) {
        if (!exported.has(used)) {
          const users = missing.get(used.name) ?? new Set()
          users.add(symbol.name)
          missing.set(used.name, users)
        }
        queue.push(used)
      }
    }
  }
  t.same([...missing].map(([name, users]) => `${name} (in ${[...users].sort().join(', ')})`).sort(), [])
})

t.test('the walk finds what a signature uses', async t => {
  const exported = exportedSymbols()
  const byName = (name: string): ts.Symbol => [...exported.keys()].find(s => s.name === name)!
  const names = (name: string): string[] => (byName(name).declarations ?? []).flatMap(referencedTypes).map(s => s.name).sort()
  t.ok(names('sendWebhook').includes('SendOutcome'), 'the return type of a function')
  t.ok(names('sendWebhook').includes('WebhookCodec'), 'a parameter type')
  t.ok(names('WebhookPlugin').includes('WebhookCodec'), 'a member of a type alias')
  t.notOk(names('RoutePlugin').includes('Operation'), 'not a member keyed by a symbol')
  t.ok(names('WebhookVerificationError').includes('RoutecraftError'), 'a base class')
  t.notOk(names('HttpError').includes('RoutecraftError'), 'not what a constructor body uses')
})
