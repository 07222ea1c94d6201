export * from './fields.js';
export * from './messages.js';
export * from './errors.js';
export * from './page.js';
export * from './entities/type-catalogue.js';
export * from './procedures/define.js';
export * from './procedures/type-catalogue.js';
export * from './procedures/system.js';
