/**
 * Teardown of dependencies with `yield` (FastAPI's dependencies with `yield`, request scope):
 * each request whose plan has generator dependencies gets one stack. A generator is pushed
 * when it has yielded its value; the stack unwinds, last in first out, once the response is
 * over (the socket's `close`: sent, or the client gone) and the handler has settled, whichever
 * comes last, so a resource is never closed under a handler still using it. An error of the
 * handler or of a later dependency is thrown into the generators, with the semantics of
 * Python's `ExitStack`: a generator that catches it and returns ends it for those set up before
 * it; one that throws another error passes that on. A teardown that throws something other
 * than the error it received is logged; the response has already gone, so nothing else
 * changes.
 */
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify'
import { routecraftError } from '../errors.js'

type AnyGenerator = Generator<unknown, unknown, unknown> | AsyncGenerator<unknown, unknown, unknown>
type Step = IteratorResult<unknown, unknown>

const NO_ERROR = Symbol('routecraft.noError')

/** The generators of one request, unwound in reverse order of setup. */
export class TeardownStack {
  readonly #log: FastifyBaseLogger
  readonly #generators: AnyGenerator[] = []
  #error: unknown = NO_ERROR
  #responseOver = false
  #settled = false
  #unwound = false

  constructor (log: FastifyBaseLogger) {
    this.#log = log
  }

  /** Records a generator that has yielded (always before `settle()`: solving is inside it). */
  push (generator: AnyGenerator): void {
    this.#generators.push(generator)
  }

  /** The handler or a dependency failed with `error` (thrown into the generators). */
  fail (error: unknown): void {
    if (this.#error === NO_ERROR) this.#error = error
  }

  /** The handler (and every dependency) has settled. */
  settle (): void {
    this.#settled = true
    this.#maybeUnwind()
  }

  /** The response is over: sent, or the connection closed. */
  responseOver (): void {
    this.#responseOver = true
    this.#maybeUnwind()
  }

  #maybeUnwind (): void {
    if (!this.#responseOver || !this.#settled || this.#unwound) return
    this.#unwound = true
    // #unwind never rejects: every failure is caught and logged inside.
    void this.#unwind()
  }

  async #unwind (): Promise<void> {
    let generator: AnyGenerator | undefined
    while ((generator = this.#generators.pop()) !== undefined) {
      const received = this.#error
      try {
        let step: Step | Promise<Step> = received === NO_ERROR ? generator.next() : generator.throw(received)
        if (step instanceof Promise) step = await step
        // Handled (or there was nothing to handle): those set up earlier see no error.
        this.#error = NO_ERROR
        if (step.done !== true) {
          this.#log.error('routecraft: a dependency with teardown yielded more than once; it was closed at its second yield')
          const closing = generator.return(undefined)
          if (closing instanceof Promise) await closing
        }
      } catch (err) {
        // Re-raising what it received is how a generator lets an error pass: not a failure.
        if (err !== received) this.#log.error({ err }, 'routecraft: a dependency teardown failed')
        this.#error = err
      }
    }
  }
}

/** Enters a generator: its first yielded value, pushed on `stack`; throws if it never yields. */
export function enterGenerator (generator: AnyGenerator, stack: TeardownStack, where: string): unknown {
  const first = generator.next()
  if (first instanceof Promise) return first.then(step => entered(step, generator, stack, where))
  return entered(first, generator, stack, where)
}

function entered (step: Step, generator: AnyGenerator, stack: TeardownStack, where: string): unknown {
  if (step.done === true) throw routecraftError('RC_ERR_DEPENDENCY_NO_YIELD', 'noYield', { where })
  stack.push(generator)
  return step.value
}

/** A stack for one request, unwound once `reply`'s connection has closed and `settle()` is called. */
export function openTeardown (request: FastifyRequest, reply: FastifyReply): TeardownStack {
  const stack = new TeardownStack(request.log)
  reply.raw.once('close', () => { stack.responseOver() })
  return stack
}

/**
 * Runs `body` (solving and the handler), recording its error for the generators and settling
 * the stack when it is over, synchronously or not; returns or throws what `body` does.
 */
export function guarded<T> (stack: TeardownStack, body: () => T): T {
  let out: T
  try {
    out = body()
  } catch (err) {
    stack.fail(err)
    stack.settle()
    throw err
  }
  if (!(out instanceof Promise)) {
    stack.settle()
    return out
  }
  return out.then(value => { stack.settle(); return value }, (err: unknown) => { stack.fail(err); stack.settle(); throw err }) as T
}
