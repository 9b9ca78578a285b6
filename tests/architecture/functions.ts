/**
 * The function-length check: reads a source file with TypeScript's parser and reports every
 * function (declaration, expression, arrow, method, accessor, constructor) whose text, from its
 * first line to its closing brace, is longer than the limit. A nested function counts towards
 * the function around it too, so a long function cannot hide in closures. Pure: it takes the
 * file's text, so the test can also feed it made-up sources.
 */
import ts from 'typescript'

/** One function over the limit. */
export interface LongFunction {
  readonly file: string
  /** The line it starts on, from 1. */
  readonly line: number
  readonly name: string
  readonly lines: number
}

/** The name a function is known by: its own, or that of what it is assigned to. */
function nameOf (node: ts.SignatureDeclaration, source: ts.SourceFile): string {
  const own = node.name ?? (ts.isVariableDeclaration(node.parent) || ts.isPropertyAssignment(node.parent) || ts.isPropertyDeclaration(node.parent) ? node.parent.name : undefined)
  const name = own === undefined ? (ts.isConstructorDeclaration(node) ? 'constructor' : '(anonymous)') : own.getText(source)
  const owner = node.parent
  if (ts.isClassLike(owner) && owner.name !== undefined) return `${owner.name.text}.${name}`
  return name
}

/** Every function of one file longer than `max` lines, in source order. */
export function longFunctions (file: string, text: string, max: number): LongFunction[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
  const out: LongFunction[] = []
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && (node as ts.FunctionLikeDeclaration).body !== undefined) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line
      const last = source.getLineAndCharacterOfPosition(node.end).line
      const lines = last - first + 1
      if (lines > max) out.push({ file, line: first + 1, name: nameOf(node, source), lines })
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return out
}

/** What the test reports for one function over the limit. */
export function describeLong (f: LongFunction, max: number): string {
  return `${f.file}:${f.line} ${f.name} has ${f.lines} lines; split it along its seams (at most ${max})`
}
