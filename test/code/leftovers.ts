/** What a sandboxed run may leave behind, looked up for real in /proc and the temp dir: processes and temp folders. */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { TEMP_PREFIX } from '../../src/node/sandbox/runSample';

/** Pids of live processes whose command line mentions `marker` or a sandbox folder, or whose working folder is one. */
export function leftovers(marker: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const state = /State:\s+(\w)/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
      if (state === 'Z') continue;
      let cwd = '';
      try {
        cwd = readlinkSync(`/proc/${entry}/cwd`);
      } catch {
        /* not ours to read */
      }
      if (cmdline.includes(marker) || cmdline.includes(TEMP_PREFIX) || cwd.includes(TEMP_PREFIX)) out.push(Number(entry));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

export function sandboxTempFolders(): string[] {
  return readdirSync(tmpdir()).filter((f) => f.startsWith(TEMP_PREFIX));
}

/** A real TCP listener on the host's loopback that counts the connections it gets (sandboxed code must reach none). */
export async function countingListener(): Promise<{ port: number; connections(): number; close(): void }> {
  let connections = 0;
  const server = createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, connections: () => connections, close: () => server.close() };
}
