// Coverage is measured over the library (src/) only: tests, the playground and the benchmark
// servers are not part of what routecraft ships. The package tests (npm pack, README snippets)
// run routecraft in child processes through other transforms (tsc's dist/, tsx); their
// coverage would be merged against ts-node's and misattribute lines, so they add none.
import { readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const walk = dir => readdirSync(dir, { withFileTypes: true }).flatMap(e =>
  e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [relative(root, join(dir, e.name))] : [])
const sources = walk(join(root, 'src'))

export default test => test.replace(/\\/g, '/').startsWith('tests/package/') ? null : sources
