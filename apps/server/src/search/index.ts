export * from './fields.js';
export * from './dsl.js';
export * from './sql.js';
