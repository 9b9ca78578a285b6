/** The TypeScript files of a folder of the repository, by path from the repository's root. */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repo = fileURLToPath(new URL('../../', import.meta.url))

export function sources (dir: string): Map<string, string> {
  const out = new Map<string, string>()
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.name.endsWith('.ts')) out.set(relative(repo, path).replace(/\\/g, '/'), readFileSync(path, 'utf8'))
    }
  }
  walk(join(repo, dir))
  return out
}
