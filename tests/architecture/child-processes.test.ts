/**
 * Child processes the tests start that run Node with routecraft loaded another way (tsx, the
 * built package, npm) are kept out of coverage with `unmeasuredEnv()`: measured, they corrupt
 * the merged report of src/ (see tests/support/child-env.ts). A test file that imports
 * node:child_process either uses it or is listed here with the reason it needs none.
 */
import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))
const notNode: Record<string, string> = {
  'tests/bullmq/redis-server.ts': 'starts redis-server, not Node',
  'tests/architecture/child-processes.test.ts': 'this check',
}

const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap(e =>
  e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [])

const spawning = walk(join(root, 'tests'))
  .map(file => ({ file: relative(root, file).replace(/\\/g, '/'), text: readFileSync(file, 'utf8') }))
  .filter(({ text }) => /from 'node:child_process'/.test(text))

t.ok(spawning.length >= 5, `${spawning.length} test files start child processes`)
for (const { file, text } of spawning) {
  if (notNode[file] !== undefined) t.pass(`${file}: ${notNode[file]}`)
  else t.match(text, /unmeasuredEnv\(/, `${file} starts its children with unmeasuredEnv()`)
}
