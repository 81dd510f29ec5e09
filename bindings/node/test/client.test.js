import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { OWNER_KEY, startPanel } from './panel.js';

const {
  ApiError,
  Client,
  InvalidArgumentError,
  PterodactylError,
  RateLimitedError,
  Status,
  TimeoutError,
  TransportError,
  libraryVersion,
} = await import('../dist/index.js');

let panel;
let client;

before(async () => {
  panel = await startPanel();
});
after(async () => {
  await client?.close();
  await panel.stop();
});
beforeEach(async () => {
  await panel.control('reset');
  await client?.close();
  client = new Client(panel.url, OWNER_KEY);
});

test('servers lists every server of the owner', async () => {
  const servers = await client.servers();
  assert.equal(servers.length, 5);
  assert.equal(servers[0].identifier, 'd3aac109');
  assert.equal(servers[0].name, 'Survival');
  assert.equal(servers[0].limits.memory, 1024);
  assert.equal(servers[0].relationships.allocations.length, 2);
  assert.deepEqual(servers[0].egg_features, ['eula', 'java_version', 'pid_limit']);
});

test('call resolves with the parsed answer, callJson with the JSON text', async () => {
  const page = await client.call('servers.list', { per_page: 1 });
  assert.equal(page.meta.pagination.total_pages, 5);
  const text = await client.callJson('servers.list', '{"per_page": 1}');
  assert.ok(text.startsWith('{"data":[{'), text);
  assert.equal(await client.call('server.power', { server: 'd3aac109', signal: 'kill' }), null);
  assert.equal(await client.callJson('server.power', '{"server": "d3aac109", "signal": "kill"}'), 'null');
});

test('server, resources and allocations', async () => {
  assert.equal((await client.server('d3aac109')).uuid, 'd3aac109-e5e0-4331-b03e-3454f7e136dc');
  const usage = await client.resources('d3aac109');
  assert.equal(usage.current_state, 'offline');
  assert.equal(usage.resources.disk_bytes, 157286400);
  const allocations = await client.allocations('d3aac109');
  assert.equal(allocations[0].port, 25565);
  assert.equal(allocations[0].is_default, true);
  assert.equal(allocations[1].notes, 'Query port');
});

test('command on an offline server is a 502, then works after start', async () => {
  const err = await client.command('1a7ce997', 'say hi').catch((e) => e);
  assert.ok(err instanceof ApiError && err instanceof PterodactylError && err instanceof Error);
  assert.equal(err.httpStatus, 502);
  assert.equal(err.status, Status.API_ERROR);
  assert.equal(err.statusName, 'API_ERROR');
  assert.equal(err.code, 'HttpException');
  assert.equal(err.detail, 'Server must be online in order to send commands.');
  assert.equal(err.name, 'ApiError');
  await client.power('1a7ce997', 'start');
  await client.command('1a7ce997', 'say hi');
});

test('a validation error carries code, detail and source field', async () => {
  const err = await client.call('server.settings.rename', { server: 'd3aac109', name: '' }).catch((e) => e);
  assert.ok(err instanceof ApiError);
  assert.equal(err.httpStatus, 422);
  assert.equal(err.code, 'ValidationException');
  assert.equal(err.detail, 'The name field is required.');
  assert.equal(err.sourceField, 'name');
  assert.equal(err.errors[0].rule, 'required');
  assert.equal(err.kind, 'api');
  assert.ok(err.message.startsWith('The name field is required.'), err.message);
});

test('not found, unknown operations and wrong parameters', async () => {
  const notFound = await client.resources('f00dfeed').catch((e) => e);
  assert.ok(notFound instanceof ApiError);
  assert.equal(notFound.httpStatus, 404);
  const unknown = await client.call('server.explode').catch((e) => e);
  assert.ok(unknown instanceof InvalidArgumentError);
  assert.match(unknown.message, /server\.explode/);
  await assert.rejects(client.call('server.get', { server: [42] }), InvalidArgumentError);
  await assert.rejects(client.callJson('server.get', '{not json'), InvalidArgumentError);
  const cyclic = {};
  cyclic.self = cyclic;
  await assert.rejects(client.call('server.get', cyclic), InvalidArgumentError);
  await assert.rejects(client.call(42), InvalidArgumentError);
});

test('the constructor refuses a bad URL and options without showing the key', () => {
  assert.throws(
    () => new Client('not a url', OWNER_KEY),
    (err) => err instanceof InvalidArgumentError && err.message.length > 0 && !err.message.includes(OWNER_KEY),
  );
  assert.throws(() => new Client(panel.url, OWNER_KEY, { timeoutMs: 0 }), InvalidArgumentError);
  assert.throws(() => new Client(panel.url, OWNER_KEY, { noSuchOption: 1 }), InvalidArgumentError);
  assert.throws(() => new Client(undefined, OWNER_KEY), InvalidArgumentError);
});

test('a wrong key is a 401', async () => {
  const stranger = new Client(panel.url, 'ptlc_nobody000000S3cretNobodyKeyForTheFakePanel0');
  try {
    const err = await stranger.servers().catch((e) => e);
    assert.ok(err instanceof ApiError);
    assert.equal(err.httpStatus, 401);
  } finally {
    await stranger.close();
  }
});

test('timeouts, rate limits and unreachable panels have their own errors', async () => {
  await panel.control('slow', { path_contains: '/resources', delay_ms: 1000 });
  const impatient = new Client(panel.url, OWNER_KEY, { timeoutMs: 100 });
  const shorter = client.withTimeout(100);
  try {
    const err = await impatient.resources('d3aac109').catch((e) => e);
    assert.ok(err instanceof TimeoutError);
    assert.equal(err.status, Status.TIMEOUT);
    await assert.rejects(shorter.resources('d3aac109'), TimeoutError);
    assert.throws(() => client.withTimeout(0), InvalidArgumentError);
  } finally {
    await impatient.close();
    await shorter.close();
  }
  await panel.control('clear_faults');
  await panel.control('rate_limit', { limit: 1, window_ms: 60000 });
  const once = new Client(panel.url, OWNER_KEY, { maxRetries: 0 });
  try {
    await once.servers();
    const err = await once.servers().catch((e) => e);
    assert.ok(err instanceof RateLimitedError && err instanceof ApiError);
    assert.equal(err.httpStatus, 429);
    assert.equal(typeof err.retryAfter, 'number');
  } finally {
    await once.close();
  }
  const nowhere = new Client('http://127.0.0.1:9', OWNER_KEY, { maxRetries: 0 });
  await assert.rejects(nowhere.servers(), TransportError);
  await nowhere.close();
});

test('close waits for running calls, then calls reject; close is idempotent', async () => {
  await panel.control('slow', { path_contains: '/resources', delay_ms: 300 });
  const other = new Client(panel.url, OWNER_KEY);
  const running = other.resources('d3aac109');
  await other.close();
  assert.equal((await running).current_state, 'offline');
  await other.close();
  await assert.rejects(other.servers(), InvalidArgumentError);
  assert.throws(() => other.withTimeout(1000), InvalidArgumentError);
});

test('many calls at once share the workers and the event loop stays free', async () => {
  await panel.control('slow', { path_contains: '/resources', delay_ms: 200 });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  const results = await Promise.all(Array.from({ length: 12 }, () => client.resources('d3aac109')));
  clearInterval(timer);
  assert.ok(results.every((r) => r.current_state === 'offline'));
  assert.ok(ticks > 0, 'the event loop ran while the calls waited');
});

test('await using closes the client', async () => {
  const dispose = Symbol.asyncDispose ?? Symbol.for('nodejs.asyncDispose');
  const scoped = new Client(panel.url, OWNER_KEY);
  await scoped[dispose]();
  await assert.rejects(scoped.servers(), InvalidArgumentError);
});

test('the library version', () => {
  assert.match(libraryVersion(), /^\d+\.\d+\.\d+/);
});
