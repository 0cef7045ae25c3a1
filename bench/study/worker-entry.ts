/** Entry of a study worker thread started from source (pool.ts). */
import { serveStudyWorker } from './worker';

serveStudyWorker();
