// The call workers: a few threads, shared by every client, that run the blocking library calls
// so that the event loop never waits for the panel. Idle workers do not keep the process alive.
import { Worker } from 'node:worker_threads';
import type { Answer, Job } from './worker.js';

/** How many calls may run at once across every client; more wait in line. */
const MAX_WORKERS = 4;

interface Pending {
  resolve(answer: Answer): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
}

const slots: Slot[] = [];
const queue: Array<{ job: Job; pending: Pending }> = [];
const pending = new Map<number, Pending>();
let nextId = 1;

function spawn(): Slot {
  const slot: Slot = { worker: new Worker(new URL('./worker.js', import.meta.url)), job: null };
  slot.worker.on('message', (answer: Answer) => {
    const p = pending.get(answer.id);
    pending.delete(answer.id);
    slot.job = null;
    p?.resolve(answer);
    dispatch(slot);
  });
  const lost = (why: string) => {
    slots.splice(slots.indexOf(slot), 1);
    if (slot.job) {
      const p = pending.get(slot.job.id);
      pending.delete(slot.job.id);
      p?.reject(new Error(`pterodactyl-client: a call worker stopped (${why})`));
      slot.job = null;
    }
    pump();
  };
  slot.worker.on('error', (err) => lost(String(err)));
  slot.worker.on('exit', (code) => {
    if (slots.includes(slot)) lost(`exit code ${code}`);
  });
  slots.push(slot);
  return slot;
}

/** Gives the slot the next job in line, or lets it idle without holding the process open. */
function dispatch(slot: Slot): void {
  const next = queue.shift();
  if (!next) {
    slot.worker.unref();
    return;
  }
  slot.job = next.job;
  pending.set(next.job.id, next.pending);
  slot.worker.ref();
  slot.worker.postMessage(next.job);
}

function pump(): void {
  while (queue.length > 0) {
    const idle = slots.find((s) => s.job === null);
    if (idle) dispatch(idle);
    else if (slots.length < MAX_WORKERS) dispatch(spawn());
    else return;
  }
}

/** Runs one call on a worker; resolves with the library's status and out-string. */
export function run(job: Omit<Job, 'id'>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    queue.push({ job: { ...job, id: nextId++ }, pending: { resolve, reject } });
    pump();
  });
}
