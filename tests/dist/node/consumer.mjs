// The packed npm package, installed: its own library, a first call, an error.
// usage: node consumer.mjs PANEL_URL API_KEY
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ApiError, Client, libraryVersion } from 'pterodactyl-client';

const [url, key] = process.argv.slice(2);
const client = new Client(url, key);
try {
  assert.equal((await client.server('d3aac109')).name, 'Survival');
  const err = await client.resources('f00dfeed').catch((e) => e);
  assert.ok(err instanceof ApiError && err.httpStatus === 404, String(err));
} finally {
  await client.close();
}
const mapped = readFileSync('/proc/self/maps', 'utf8').split('\n').find((l) => l.includes('libpterodactyl'));
assert.ok(mapped?.includes('/node_modules/pterodactyl-client/native/linux-x64/'), mapped);
console.log(`consumer: pterodactyl-client from npm, libpterodactyl ${libraryVersion()}`);
