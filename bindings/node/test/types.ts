// Type-checked only (npm test runs tsc on it): the published types fit the way a bot uses them.
import { ApiError, Client, type ClientOptions, type PowerSignal, type Resources, type Server } from '../dist/index.js';

export async function statusLine(client: Client, server: string): Promise<string> {
  try {
    const usage: Resources = await client.resources(server);
    const info: Server = await client.server(server);
    return `${info.name}: ${usage.current_state}, ${Math.round(usage.resources.memory_bytes / 2 ** 20)} MiB`;
  } catch (err) {
    if (err instanceof ApiError && err.httpStatus === 404) return `${server}: no such server`;
    throw err;
  }
}

export async function restartAll(client: Client): Promise<void> {
  const signal: PowerSignal = 'restart';
  for (const s of await client.servers()) await client.power(s.identifier, signal);
  const raw: string = await client.callJson('servers.list', null);
  const parsed = await client.call<{ data: Server[] }>('servers.list', { per_page: 1 });
  void raw;
  void parsed.data[0]?.identifier;
}

export const options: ClientOptions = { timeoutMs: 10_000, maxRetries: 2 };
