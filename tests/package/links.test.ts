/**
 * Every relative link and every `#anchor` in README.md and docs/ resolves: the file exists, and
 * the anchor is a heading of the target (GitHub's slugs, `-1`, `-2` for repeats) or an explicit
 * `<a id="…">`. Links inside code blocks and inline code are not links; http(s) and mailto
 * links are not checked (the suite never goes online).
 */
import t from 'tap'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const repo = fileURLToPath(new URL('../../', import.meta.url))

/** GitHub's heading slug: lower case, punctuation dropped, spaces to `-`. */
export function slug (heading: string): string {
  return heading.trim().toLowerCase()
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .replace(/\s/g, '-')
}

/** Markdown without fenced code blocks (lines kept, so line numbers stay right) and inline code. */
function prose (markdown: string): string[] {
  let fenced = false
  return markdown.split('\n').map(line => {
    if (/^\s*(```|~~~)/.test(line)) { fenced = !fenced; return '' }
    return fenced ? '' : line.replace(/`[^`]*`/g, m => /^#{1,6} /.test(line) ? m : '')
  })
}

/** The anchors a Markdown file offers. */
export function anchors (markdown: string): Set<string> {
  const out = new Set<string>()
  const counts = new Map<string, number>()
  for (const line of prose(markdown)) {
    const heading = /^#{1,6} (.*)$/.exec(line)
    if (heading !== null) {
      const base = slug(heading[1] as string)
      const n = counts.get(base) ?? 0
      counts.set(base, n + 1)
      out.add(n === 0 ? base : `${base}-${n}`)
    }
    for (const [, id] of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) out.add(id as string)
  }
  return out
}

/** `[text](target)` links of a Markdown file, with their line numbers. */
export function links (markdown: string): Array<{ line: number; target: string }> {
  const out: Array<{ line: number; target: string }> = []
  prose(markdown).forEach((line, i) => {
    for (const [, target] of line.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) out.push({ line: i + 1, target: target as string })
  })
  return out
}

/** Problems with the links of `file` (absolute path); `read` reads a Markdown file. */
export function brokenLinks (file: string, read: (path: string) => string, exists: (path: string) => boolean): string[] {
  const problems: string[] = []
  for (const { line, target } of links(read(file))) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue // http:, https:, mailto:
    const [path, anchor] = target.split('#', 2) as [string, string | undefined]
    const targetFile = path === '' ? file : resolve(dirname(file), decodeURI(path))
    const where = `${relative(repo, file)}:${line} → ${target}`
    if (!exists(targetFile)) { problems.push(`${where}: no such file`); continue }
    if (anchor !== undefined && anchor !== '') {
      if (!targetFile.endsWith('.md')) { problems.push(`${where}: an anchor into a file that is not Markdown`); continue }
      if (!anchors(read(targetFile)).has(anchor)) problems.push(`${where}: no heading or <a id> "${anchor}" in ${relative(repo, targetFile)}`)
    }
  }
  return problems
}

function markdownFiles (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? markdownFiles(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : [])
}

const files = [join(repo, 'README.md'), ...markdownFiles(join(repo, 'docs'))]
const read = (path: string): string => readFileSync(path, 'utf8')
const exists = (path: string): boolean => existsSync(path) && (statSync(path).isFile() || statSync(path).isDirectory())

t.test('every relative link and anchor in README.md and docs/ resolves', async t => {
  t.ok(files.length >= 5, `${files.length} Markdown files`)
  const total = files.reduce((n, f) => n + links(read(f)).length, 0)
  t.ok(total > 20, `${total} links checked`)
  t.strictSame(files.flatMap(f => brokenLinks(f, read, exists)), [])
})

t.test('the check finds broken links and anchors', async t => {
  const pages: Record<string, string> = {
    [join(repo, 'docs/a.md')]: '# A\n\n## `route(declaration)`\n## Same\n## Same\n<a id="rc_err_x"></a>\n\n[ok](b.md#b-title) [ok](#routedeclaration) [ok](#same-1) [ok](#rc_err_x) [ok](https://example.com/x#y)\n[bad](missing.md) [bad](b.md#nope) [bad](#same-2)\n`[not a link](nowhere.md)`\n```md\n[not a link](nowhere.md)\n```\n',
    [join(repo, 'docs/b.md')]: '# B title\n',
  }
  const problems = brokenLinks(join(repo, 'docs/a.md'), p => pages[p] ?? '', p => p in pages)
  t.strictSame(problems.map(p => p.replace(/^.*→ /, '')), ['missing.md: no such file', 'b.md#nope: no heading or <a id> "nope" in docs/b.md', '#same-2: no heading or <a id> "same-2" in docs/a.md'])
  t.equal(slug('`errorCodes`, `RoutecraftErrorCode`'), 'errorcodes-routecrafterrorcode')
  t.equal(slug('Dependencies with teardown'), 'dependencies-with-teardown')
  t.equal(slug('OpenAPI and `openapi()`'), 'openapi-and-openapi')
})
