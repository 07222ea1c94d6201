export type { AppRouter } from './router.js';
export { startApp, type RunningApp } from './app.js';
export { loadConfig, type Config } from './config.js';
