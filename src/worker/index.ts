export { Worker, type WorkerOptions } from './worker.js';
export { WorkerStates, canTransition, type WorkerState } from './lifecycle.js';
export type { BatchStats } from './telemetry.js';
