// Type tests for dependencies with teardown: checked by `npx tsc -p tsconfig.json --noEmit`, never run.
import { dependency, route } from '../../src/index.js'
import type { Dependency } from '../../src/index.js'

type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends (<X>() => X extends B ? 1 : 2) ? true : false
function expectType<T extends true> (_proof?: T): void {}

interface Session { id: string; close(): Promise<void> }

export function teardownTypeTests (open: () => Promise<Session>): void {
  const session = dependency({
    resolve: async function * session () {
      const s = await open()
      try { yield s } finally { await s.close() }
    },
  })
  expectType<Equal<typeof session, Dependency<Session>>>(true)

  const counter = dependency({ resolve: function * counter () { yield 42 } })
  expectType<Equal<typeof counter, Dependency<number>>>(true)

  const plain = dependency({ resolve: async () => 'x' })
  expectType<Equal<typeof plain, Dependency<string>>>(true)
  const list = dependency({ resolve: () => [1, 2, 3] })
  expectType<Equal<typeof list, Dependency<number[]>>>(true)

  const uow = dependency({ deps: { session }, resolve: async function * uow ({ deps }) {
    expectType<Equal<typeof deps.session, Session>>(true)
    yield { session: deps.session.id, writes: [] as string[] }
  } })
  route({ method: 'GET', url: '/x', deps: { uow, counter }, handler: ({ deps }) => {
    expectType<Equal<typeof deps.uow, { session: string; writes: string[] }>>(true)
    expectType<Equal<typeof deps.counter, number>>(true)
    // @ts-expect-error the yielded value, not the generator
    void deps.counter.next
    return null
  } })
}
