/**
 * pterodactyl-client for Node: a client of the Pterodactyl panel's Client API over libpterodactyl
 * (the C ABI of the Rust core), with koffi. Every method returns a Promise: the blocking library
 * calls run on a few worker threads, never on the event loop.
 *
 * ```js
 * import { Client } from 'pterodactyl-client';
 * const client = new Client('https://panel.example.com', 'ptlc_...');
 * await client.power('d3aac109', 'start');
 * const usage = await client.resources('d3aac109');
 * await client.close();
 * ```
 */
import { errorFrom, InvalidArgumentError, PterodactylError } from './errors.js';
import { native, take, type Pointer } from './native.js';
import { run } from './pool.js';
import type { Allocation, PowerSignal, Resources, Server } from './types.js';

export * from './errors.js';
export type * from './types.js';

/** Options of a client; unset ones keep the library's defaults. */
export interface ClientOptions {
  /** Bounds each request as a whole (default 30000). */
  timeoutMs?: number;
  /** Bounds connecting to the panel (default 10000). */
  connectTimeoutMs?: number;
  /** Replaces the User-Agent header. */
  userAgent?: string;
  /** One more trusted root certificate (PEM text), e.g. a panel's own CA. */
  caCertPem?: string;
  /** Turns certificate checks off; for test panels only. */
  acceptInvalidCerts?: boolean;
  /** How often a call that may be retried is tried again (default 3). */
  maxRetries?: number;
  /** The longest wait before a retry (default 60000). */
  maxRetryWaitMs?: number;
  /** The largest answer read (default 64 MiB). */
  maxResponseBytes?: number;
}

const OPTION_NAMES: Record<keyof ClientOptions, string> = {
  timeoutMs: 'timeout_ms',
  connectTimeoutMs: 'connect_timeout_ms',
  userAgent: 'user_agent',
  caCertPem: 'ca_cert_pem',
  acceptInvalidCerts: 'accept_invalid_certs',
  maxRetries: 'max_retries',
  maxRetryWaitMs: 'max_retry_wait_ms',
  maxResponseBytes: 'max_response_bytes',
};

function optionsJson(options: ClientOptions): string | null {
  const wire: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    const name = OPTION_NAMES[key as keyof ClientOptions];
    if (name === undefined) throw new InvalidArgumentError(1, 'invalid_input', `unknown client option \`${key}\``, null);
    if (value !== undefined) wire[name] = value;
  }
  return Object.keys(wire).length === 0 ? null : JSON.stringify(wire);
}

/** Runs a function that makes a handle; on failure, its error object is this thread's last error. */
function open(make: (out: Pointer[]) => number): bigint {
  const out: Pointer[] = [null];
  const status = make(out);
  if (status !== 0 || out[0] === null) throw errorFrom(status, take(native().lastError()));
  return out[0];
}

/** Frees the handles of clients that were dropped without close(). */
const lost = new FinalizationRegistry<bigint>((handle) => native().clientFree(handle));

/** A handle for the constructor to take instead of making one (see `Client.withTimeout`). */
let adopting: bigint | null = null;

/** The version of the loaded libpterodactyl, e.g. `0.1.0`. */
export function libraryVersion(): string {
  return native().version();
}

/**
 * A client of one panel with one client API key. One client may run many calls at once; make
 * one and share it. `close()` frees it once its calls have returned.
 */
export class Client {
  #handle: bigint | null;
  #inFlight = 0;
  #drained: Array<() => void> = [];

  /**
   * Makes a client for the panel at `panelUrl` (its root) with a client API key (`ptlc_...`).
   * Makes no request. Throws `InvalidArgumentError` for a bad URL or option.
   */
  constructor(panelUrl: string, apiKey: string, options: ClientOptions = {}) {
    if (adopting !== null) {
      this.#handle = adopting;
      adopting = null;
      lost.register(this, this.#handle, this);
      return;
    }
    if (typeof panelUrl !== 'string' || typeof apiKey !== 'string') {
      throw new InvalidArgumentError(1, 'invalid_input', 'the panel URL and the API key must be strings', null);
    }
    const opts = optionsJson(options);
    this.#handle = open((out) => native().clientNew(panelUrl, apiKey, opts, out));
    lost.register(this, this.#handle, this);
  }

  /**
   * A second client on the same connections, key and settings whose requests may each take
   * `timeoutMs` as a whole (for long operations such as `server.files.compress`). Close each
   * client on its own.
   */
  withTimeout(timeoutMs: number): Client {
    const handle = this.#live();
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
      throw new InvalidArgumentError(1, 'invalid_input', 'the timeout must be a whole number of milliseconds above 0', null);
    }
    adopting = open((out) => native().clientWithTimeout(handle, timeoutMs, out));
    return new Client('', '');
  }

  /**
   * Calls any operation by its id (`server.power`, `servers.list`, ...; see docs/operations.md)
   * with one flat object of parameters (path, query and body parameters by their panel names).
   * Resolves with the answer parsed (`null` for operations without content).
   */
  async call<T = unknown>(operationId: string, params?: Record<string, unknown>): Promise<T> {
    return JSON.parse(await this.#invoke(operationId, params, false)) as T;
  }

  /**
   * Calls any operation with its parameters as JSON text; resolves with the library's JSON
   * text, unparsed (`"null"` for operations without content).
   */
  callJson(operationId: string, paramsJson?: string | null): Promise<string> {
    return this.#invokeRaw(operationId, paramsJson ?? null, false);
  }

  /**
   * Calls a paginated operation (`servers.list`, `server.activity.list`,
   * `account.activity.list`, `server.backups.list`) and resolves with every item of every page.
   */
  async callAllPages<T = unknown>(operationId: string, params?: Record<string, unknown>): Promise<T[]> {
    return JSON.parse(await this.#invoke(operationId, params, true)) as T[];
  }

  /** Every server the key can see, every page (`servers.list`). */
  servers(): Promise<Server[]> {
    return this.callAllPages<Server>('servers.list');
  }

  /** One server by its short identifier or UUID (`server.get`). */
  server(server: string): Promise<Server> {
    return this.call<Server>('server.get', { server });
  }

  /** A server's live state and resource usage (`server.resources`). */
  resources(server: string): Promise<Resources> {
    return this.call<Resources>('server.resources', { server });
  }

  /** Sends a power signal (`server.power`); never retried once sent. */
  async power(server: string, signal: PowerSignal): Promise<void> {
    await this.call('server.power', { server, signal });
  }

  /** Sends a console command (`server.command`); the panel answers 502 while the server is offline. */
  async command(server: string, command: string): Promise<void> {
    await this.call('server.command', { server, command });
  }

  /** A server's allocations (`server.allocations.list`). */
  allocations(server: string): Promise<Allocation[]> {
    return this.call<Allocation[]>('server.allocations.list', { server });
  }

  /** Frees the client once the calls running on it have returned; later calls reject. Idempotent. */
  async close(): Promise<void> {
    const handle = this.#handle;
    if (handle === null) return;
    this.#handle = null;
    while (this.#inFlight > 0) await new Promise<void>((resolve) => this.#drained.push(resolve));
    lost.unregister(this);
    native().clientFree(handle);
  }

  #live(): bigint {
    if (this.#handle === null) throw new InvalidArgumentError(1, 'invalid_input', 'the client is closed', null);
    return this.#handle;
  }

  #invoke(operationId: string, params: Record<string, unknown> | undefined, allPages: boolean): Promise<string> {
    let json: string | null = null;
    if (params !== undefined && params !== null) {
      try {
        json = JSON.stringify(params);
      } catch (err) {
        return Promise.reject(new InvalidArgumentError(1, 'invalid_input', `the parameters are not JSON: ${String(err)}`, null));
      }
    }
    return this.#invokeRaw(operationId, json, allPages);
  }

  async #invokeRaw(operationId: string, params: string | null, allPages: boolean): Promise<string> {
    if (typeof operationId !== 'string') {
      throw new InvalidArgumentError(1, 'invalid_input', 'the operation id must be a string', null);
    }
    const handle = this.#live();
    this.#inFlight++;
    try {
      const answer = await run({ handle, op: operationId, params, allPages });
      if (answer.failure !== undefined) {
        throw new PterodactylError(8, 'panic', `pterodactyl-client: the call failed in its worker: ${answer.failure}`, null);
      }
      if (answer.status !== 0) throw errorFrom(answer.status, answer.json);
      return answer.json ?? 'null';
    } finally {
      if (--this.#inFlight === 0) for (const resolve of this.#drained.splice(0)) resolve();
    }
  }
}

// `await using client = new Client(...)` in JavaScript (Node 24+, or a transpiler) closes the client.
const asyncDispose: symbol = (Symbol as { asyncDispose?: symbol }).asyncDispose ?? Symbol.for('nodejs.asyncDispose');
Object.defineProperty(Client.prototype, asyncDispose, {
  value(this: Client): Promise<void> {
    return this.close();
  },
});
