/**
 * A deadline for a promise routecraft does not control (Redis, an app's secret lookup): the
 * promise's outcome, or a rejection with `message` after `ms`. The timer is cleared either way,
 * and a late rejection of the promise is handled by the race.
 */
export function within<T> (promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(new Error(message)), ms) })
  return Promise.race([promise, late]).finally(() => clearTimeout(timer))
}
