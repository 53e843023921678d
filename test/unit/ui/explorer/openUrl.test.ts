import { strict as assert } from 'node:assert';
import { browsableAppUrl, openUrl } from '../../../../src/core/ui/explorer/commands/openUrl';
import { AppNode } from '../../../../src/core/ui/explorer/nodes/appNode';
import { app, deps, ScriptedInput, world } from '../../../support/uiFakes';

describe('Open App', () => {
  const URL_ = 'https://orderportal.apps.eu-1c.mendixcloud.com/p/orders?x=1';

  it('goes through a gateway on this machine (the demo’s emulator) when app URLs are checked through it', () => {
    assert.equal(
      browsableAppUrl(URL_, { mode: 'https', gateway: 'http://127.0.0.1:4567' }),
      'http://127.0.0.1:4567/_emulator/app/orderportal.apps.eu-1c.mendixcloud.com/p/orders?x=1',
    );
    assert.equal(browsableAppUrl(URL_, { mode: 'https', gateway: 'http://localhost:9/' }), 'http://localhost:9/_emulator/app/orderportal.apps.eu-1c.mendixcloud.com/p/orders?x=1');
  });

  it('opens the real URL otherwise: no gateway, another check mode, or a proxy elsewhere (a browser cannot set its Host header)', () => {
    assert.equal(browsableAppUrl(URL_, undefined), URL_);
    assert.equal(browsableAppUrl(URL_, { mode: 'https', gateway: undefined }), URL_);
    assert.equal(browsableAppUrl(URL_, { mode: 'api', gateway: 'http://127.0.0.1:4567' }), URL_);
    assert.equal(browsableAppUrl(URL_, { mode: 'https', gateway: 'http://proxy.corp.example:3128' }), URL_);
    assert.equal(browsableAppUrl('not a url', { mode: 'https', gateway: 'http://127.0.0.1:1' }), 'not a url');
  });

  it('the command uses the settings it is given', async () => {
    const w = world();
    await w.accounts.save('Demo', { pat: 'p' });
    const account = (await w.root.accountNodes())[0];
    const node = new AppNode(w.env, account, account.service, app('Order Portal', { url: 'https://orderportal.apps.eu-1c.mendixcloud.com' }));
    const d = deps(w, new ScriptedInput([]));
    await openUrl({ ...d, settings: { ...d.settings, appUrlCheck: () => ({ mode: 'https', gateway: 'http://127.0.0.1:4567' }) } }, node);
    await openUrl(d, node);
    assert.deepEqual(d.host.opened, ['http://127.0.0.1:4567/_emulator/app/orderportal.apps.eu-1c.mendixcloud.com/', 'https://orderportal.apps.eu-1c.mendixcloud.com']);
  });
});
