/** `routecraft/redis`: what a receiving service needs from Redis. */
export { redisReplayStore } from './replay-store.js'
export type { ReplayClient } from './replay-store.js'
