import { strict as assert } from 'node:assert';
import { scaleSubdomain, SCALE_APPS } from '../../emulator/seeds/scale';
import { useEmulator } from './helpers';

describe('emulator: scale seed', () => {
  const { client } = useEmulator({ seed: 'scale' });

  it('serves 1,000 licensed apps with Production, Acceptance and Test each', async () => {
    const c = client();
    const apps = await c.v1<{ AppId: string }[]>('GET', '/apps');
    assert.equal(apps.json.length, SCALE_APPS);
    const envs = await c.v1<{ Mode: string; Url: string }[]>('GET', `/apps/${scaleSubdomain(42)}/environments`);
    assert.deepEqual(envs.json.map((e) => e.Mode), ['Production', 'Acceptance', 'Test']);
    assert.match(envs.json[2].Url, new RegExp(`^https://${scaleSubdomain(42)}-test\\.`));
    let seen = 0;
    for (let offset = 0; ; offset += 100) {
      const page = await c.v4<{ apps: unknown[]; pagination: { size: number } }>('GET', `/apps?offset=${offset}&limit=100`);
      seen += page.json.pagination.size;
      if (page.json.pagination.size < 100) break;
    }
    assert.equal(seen, SCALE_APPS);
  });
});
