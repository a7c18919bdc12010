// Bootstraps a TypeScript worker under tsx: worker threads do not inherit the main thread's
// loader hooks in Node 20, so each worker registers tsx itself, then imports its real entry.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
