export * from './runner.js';
export * from './process-runner.js';
export * from './fake-runner.js';
export * from './supervisor.js';
