// The fake panel for one test file (node --test runs files in parallel, so each has its own),
// and the library of the repository's debug build unless PTERODACTYL_LIBRARY says otherwise.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
process.env.PTERODACTYL_LIBRARY ??= `${root}target/debug/libpterodactyl.so`;

/** The fake panel's seeded owner key (tests/panel/README.md). */
export const OWNER_KEY = 'ptlc_ownerkey001S3cretOwnerKeyForTheFakePanel001';

/** Starts a fake panel (FAKE_PANEL_BIN, default target/debug/fake-panel); resolves with its URL and a stop function. */
export async function startPanel() {
  const bin = process.env.FAKE_PANEL_BIN || `${root}target/debug/fake-panel`;
  const child = spawn(bin, ['--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  for await (const chunk of child.stdout) {
    text += chunk;
    if (text.includes('\n')) break;
  }
  const url = text.trim();
  if (!url.startsWith('http://127.0.0.1:')) throw new Error(`the fake panel ${bin} did not start`);
  return {
    url,
    /** Posts to one of the fake panel's controls (/__fake/...). */
    async control(name, body = {}) {
      const response = await fetch(`${url}/__fake/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`fake panel control ${name}: ${response.status}`);
    },
    async stop() {
      child.kill();
      await once(child, 'exit');
    },
  };
}
