// autocannon (a devDependency) ships no types; bench/load.ts types the fields it reads.
declare module 'autocannon' {
  const autocannon: unknown
  export default autocannon
}
