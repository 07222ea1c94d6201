export * from './data-source.js';
export * from './ids.js';
export * from './schema/index.js';
export { pgliteDriver, createPglite } from './pglite-driver.js';
export { runPrepared, type NamedStatement } from './prepared.js';
