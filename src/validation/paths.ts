/**
 * Items kept by JSON pointer (Ajv's `instancePath`), found again by every pointer they are at
 * or above. A trie of path segments: finding the items along a pointer costs its number of
 * segments, where looking up each of its prefixes in a map would hash every prefix (quadratic
 * in a deep pointer: a recursive schema's errors are thousands of segments deep).
 */
export class PathIndex<T> {
  readonly #items: T[] = []
  #children: Map<string, PathIndex<T>> | undefined

  /** Keeps `item` at `pointer`. */
  add (pointer: string, item: T): void {
    let node: PathIndex<T> = this
    if (pointer !== '') {
      for (const segment of pointer.slice(1).split('/')) {
        const children: Map<string, PathIndex<T>> = node.#children ??= new Map()
        let next = children.get(segment)
        if (next === undefined) children.set(segment, next = new PathIndex<T>())
        node = next
      }
    }
    node.#items.push(item)
  }

  /**
   * The items at `pointer` and above it, outermost first, with their depth (segments below
   * the root); `strict` leaves out those at `pointer` itself.
   */
  along (pointer: string, strict: boolean): Array<readonly [T, number]> {
    const out: Array<readonly [T, number]> = []
    const segments = pointer === '' ? [] : pointer.slice(1).split('/')
    let node: PathIndex<T> | undefined = this
    for (let depth = 0; node !== undefined; depth++) {
      if (!strict || depth < segments.length) for (const item of node.#items) out.push([item, depth])
      if (depth === segments.length) break
      node = node.#children?.get(segments[depth] as string)
    }
    return out
  }
}
