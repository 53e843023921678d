/**
 * An archive is prepared while its job runs, as the real service does: "Done preparing download
 * archive" comes only once the bytes exist, so the download's first byte comes at once (before,
 * the first GET generated the file and a 1 GiB archive waited ~1.7 s for its first byte).
 */
import { strict as assert } from 'node:assert';
import { startEmulator, type RunningEmulator } from '../../emulator/server';
import { DEMO } from '../../emulator/seeds/demo';

const P = DEMO.projects.orderPortal.id;
const E = DEMO.environments.orderPortalProduction.id;
const ROOT = `/api/v2/apps/${P}/environments/${E}/snapshots`;
const BYTES = 256 * 1024 * 1024;

describe('emulator: archives are prepared while their job runs', function () {
  this.timeout(120_000);
  let emu: RunningEmulator;

  before(async () => {
    // 10000×: the job's virtual 32 s pass in about 3 ms, far less than writing 256 MiB takes.
    emu = await startEmulator({ seed: 'demo', timeScale: 10_000, quiet: true, archiveBytes: BYTES });
  });
  after(() => emu.close());

  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const r = await fetch(emu.baseUrl + path, {
      method,
      headers: { 'Mendix-Username': DEMO.username, 'Mendix-ApiKey': DEMO.apiKey, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    assert.ok(r.status < 300, `${method} ${path} → ${r.status} ${await r.clone().text()}`);
    return (await r.json()) as T;
  };

  async function snapshot(): Promise<string> {
    const s = await call<{ snapshot_id: string }>('POST', ROOT, { comment: 'prep' });
    await call('POST', '/_emulator/clock/advance', { seconds: 3600 });
    return s.snapshot_id;
  }

  it('says "Done preparing" only once the bytes exist: the first byte then comes at once', async () => {
    const snap = await snapshot();
    const t0 = performance.now();
    const a = await call<{ archive_id: string }>('POST', `${ROOT}/${snap}/archives?data_type=files_and_database`);
    const states: string[] = [];
    let done: { state: string; url: string | null; status_message: string } | undefined;
    while (performance.now() - t0 < 60_000) {
      const x = await call<{ state: string; url: string | null; status_message: string }>('GET', `${ROOT}/${snap}/archives/${a.archive_id}`);
      if (states.at(-1) !== x.state) states.push(x.state);
      if (x.state === 'completed') {
        done = x;
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    const prepared = performance.now() - t0;
    assert.ok(done?.url, `completed with a URL (states seen: ${states.join(' → ')})`);
    assert.ok(states.includes('running'), `the job ran while the bytes were written: ${states.join(' → ')}`);
    assert.equal(done.status_message, 'Done preparing download archive');
    const t1 = performance.now();
    const res = await fetch(done.url, { headers: { Range: 'bytes=0-0' } });
    const firstByte = performance.now() - t1;
    assert.equal(res.status, 206);
    assert.equal((await res.arrayBuffer()).byteLength, 1);
    const range = /^bytes 0-0\/(\d+)$/.exec(res.headers.get('content-range') ?? '');
    assert.ok(range && Number(range[1]) >= BYTES * 0.9, `the archive has the configured size: ${res.headers.get('content-range')}`);
    // Writing 256 MiB takes far longer than answering for one byte of a file that exists.
    assert.ok(firstByte < prepared / 2, `first byte after ${firstByte.toFixed(0)} ms; preparing took ${prepared.toFixed(0)} ms`);
  });

  it('a clock jump covers the preparation too: right after it, the archive is complete and served', async () => {
    const snap = await snapshot();
    const a = await call<{ archive_id: string }>('POST', `${ROOT}/${snap}/archives?data_type=database_only`);
    await call('POST', '/_emulator/clock/advance', { seconds: 3600 });
    const x = await call<{ state: string; url: string | null }>('GET', `${ROOT}/${snap}/archives/${a.archive_id}`);
    assert.equal(x.state, 'completed');
    assert.ok(x.url);
  });
});
