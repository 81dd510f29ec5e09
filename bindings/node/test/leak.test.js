// Every string the library hands out (results, error objects, the reason a client could not be
// made) is freed: rounds of calls that would leak tens of megabytes leave the C heap where it
// was. Node mallocs and frees on its own, so the calls read a 2 MiB file to make a leak stand
// far above that.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import koffi from 'koffi';
import { OWNER_KEY, startPanel } from './panel.js';

const { Client, PterodactylError } = await import('../dist/index.js');

const MallInfo2 = koffi.struct('mallinfo2_t', {
  arena: 'size_t', ordblks: 'size_t', smblks: 'size_t', hblks: 'size_t', hblkhd: 'size_t',
  usmblks: 'size_t', fsmblks: 'size_t', uordblks: 'size_t', fordblks: 'size_t', keepcost: 'size_t',
});
const mallinfo2 = koffi.load('libc.so.6').func('mallinfo2', MallInfo2, []);
/** Bytes malloc has handed out and not taken back, over every arena. */
const inUse = () => {
  const m = mallinfo2();
  return Number(m.uordblks) + Number(m.hblkhd);
};

let panel;
before(async () => {
  panel = await startPanel();
});
after(() => panel.stop());

const BIG = '{"server": "d3aac109", "file": "/big.txt"}';

async function round(client, n) {
  let handed = 0;
  for (let i = 0; i < n; i++) {
    handed += (await client.callJson('server.files.contents', BIG)).length;
    for (let j = 0; j < 3; j++) {
      handed += (await client.callJson('servers.list')).length;
      for (const fails of [
        () => client.callJson('no.such.operation'),
        () => client.resources('f00dfeed'),
        async () => new Client('::', 'k'),
      ]) {
        const err = await fails().catch((e) => e);
        assert.ok(err instanceof PterodactylError, String(err));
        handed += err.errorJson.length;
      }
    }
  }
  return handed;
}

test('calls free every string the library hands out', async () => {
  await panel.control('rate_limit', { limit: 1000000, window_ms: 60000 });
  const client = new Client(panel.url, OWNER_KEY);
  try {
    await client.call('server.files.write', { server: 'd3aac109', file: '/big.txt', content: 'x'.repeat(2 * 1024 * 1024) });
    await round(client, 10); // warm up: workers, connections, allocator pools
    let grown = Infinity;
    let handed = 0;
    for (let i = 0; i < 3; i++) {
      const before = inUse();
      handed = await round(client, 20);
      const delta = inUse() - before;
      grown = Math.min(grown, delta);
      console.log(`leak test: handed out ${handed} bytes, the C heap grew by ${delta}`);
    }
    assert.ok(grown < handed / 4, `the C heap grew by ${grown} bytes over calls that handed out ${handed}: strings leak`);
  } finally {
    await client.close();
  }
});
