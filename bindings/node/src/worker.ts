// A call worker: runs blocking library calls off the main thread, one at a time, and posts each
// answer back. The library's handle is safe to use from many threads; the main thread owns it
// and frees it only when no call on it is running.
import { parentPort } from 'node:worker_threads';
import { native, take, type Pointer } from './native.js';

/** One call, from the main thread. */
export interface Job {
  id: number;
  handle: bigint;
  op: string;
  params: string | null;
  allPages: boolean;
}

/** Its answer: the status and the out-string (result or error object), or a failure to call. */
export interface Answer {
  id: number;
  status: number;
  json: string | null;
  failure?: string;
}

parentPort?.on('message', (job: Job) => {
  let answer: Answer;
  try {
    const lib = native();
    const out: Pointer[] = [null];
    const status = job.allPages
      ? lib.callAllPages(job.handle, job.op, job.params, out)
      : lib.call(job.handle, job.op, job.params, out);
    answer = { id: job.id, status, json: take(out[0] ?? null) };
  } catch (err) {
    answer = { id: job.id, status: -1, json: null, failure: String(err) };
  }
  parentPort?.postMessage(answer);
});
