import { strict as assert } from 'node:assert';
import { gatewayHttpCheck } from '../../../src/core/mendix/appUrlCheck';
import { browsableAppUrl } from '../../../src/core/ui/explorer/commands/openUrl';
import { useEmulator } from './helpers';

interface V1Env {
  Status: string;
  Url: string;
  Mode: string;
}

describe('emulator: app URLs', () => {
  const { client, emulator } = useEmulator();

  const acceptanceUrl = async (): Promise<string> => {
    const envs = (await client().v1<V1Env[]>('GET', '/apps/orderportal/environments')).json;
    const acc = envs.find((e) => e.Mode === 'Acceptance');
    assert.ok(acc, 'the demo seed has an Order Portal acceptance environment');
    assert.equal(acc.Status, 'Running');
    return acc.Url;
  };

  it('answers an environment host through the gateway: 200 while it runs, 503 once stopped', async () => {
    const url = await acceptanceUrl();
    const check = gatewayHttpCheck(emulator().baseUrl);
    const running = await check(url);
    assert.deepEqual([running.ok, running.status], [true, 200]);
    assert.match(running.detail, new RegExp(new URL(url).host.replace(/\./g, '\\.')));
    await client().v1('POST', '/apps/orderportal/environments/Acceptance/stop');
    const stopped = await check(url);
    assert.deepEqual([stopped.ok, stopped.status], [false, 503]);
  });

  it('404 for a host no environment serves; the API itself is unaffected', async () => {
    const miss = await gatewayHttpCheck(emulator().baseUrl)('https://nobody-here.mendixcloud.com/');
    assert.deepEqual([miss.ok, miss.status], [true, 404]);
    const apps = await client().v1<unknown[]>('GET', '/apps');
    assert.equal(apps.status, 200);
  });

  it('serves the same answer under /_emulator/app/<host>/ for browsers', async () => {
    const url = await acceptanceUrl();
    const host = new URL(url).host;
    const page = await client().req('GET', `/_emulator/app/${host}/`);
    assert.equal(page.status, 200);
    assert.match(page.text, /The app runs on/);
    await client().v1('POST', '/apps/orderportal/environments/Acceptance/stop');
    assert.equal((await client().req('GET', `/_emulator/app/${host}/`)).status, 503);
  });

  it('Open App in the demo opens the page the emulator serves for the app host (through the loopback gateway)', async () => {
    const url = await acceptanceUrl();
    const open = browsableAppUrl(`${url}/index.html?tab=2`, { mode: 'https', gateway: emulator().baseUrl });
    assert.ok(open.startsWith(`${emulator().baseUrl}/_emulator/app/`), open);
    const page = await fetch(open);
    assert.equal(page.status, 200);
    assert.match(await page.text(), new RegExp(`The app runs on ${new URL(url).host.replace(/\./g, '\\.')}`));
  });
});
