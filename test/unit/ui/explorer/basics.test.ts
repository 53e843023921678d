import { strict as assert } from 'node:assert';
import { errorText, isCancellation, UserCancelledError, UserFacingError } from '../../../../src/core/ui/kit/errors';
import { matchingApps } from '../../../../src/core/ui/explorer/matchingApps';
import { formatBytes, formatDuration, formatTransfer } from '../../../../src/core/shared/format';
import { Limiter } from '../../../../src/core/ui/kit/limiter';
import { generationFromUrl, mergeApps, statusFromV4 } from '../../../../src/core/mendix/mergeApps';
import { regionLabel } from '../../../../src/core/ui/explorer/regions';
import { app } from '../../../support/uiFakes';

describe('explorer basics', () => {
  describe('Limiter', () => {
    it('never runs more than max tasks at once and runs them all', async () => {
      const l = new Limiter(3);
      let active = 0;
      let peak = 0;
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          l.run(async () => {
            active++;
            peak = Math.max(peak, active);
            await new Promise((r) => setTimeout(r, 2));
            active--;
            return i;
          }),
        ),
      );
      assert.equal(peak, 3);
      assert.deepEqual(results, Array.from({ length: 20 }, (_, i) => i));
      assert.equal(l.running + l.waiting, 0);
    });

    it('frees its slot when a task fails', async () => {
      const l = new Limiter(1);
      await assert.rejects(l.run(() => Promise.reject(new Error('x'))));
      assert.equal(await l.run(() => Promise.resolve('next')), 'next');
    });

    it('rejects a max below one', () => {
      assert.throws(() => new Limiter(0), RangeError);
    });
  });

  describe('mergeApps', () => {
    const v1 = [
      { AppId: 'orderportal', Name: 'Order Portal', ProjectId: 'p1', Url: 'https://orderportal.apps.eu-1c.mendixcloud.com' },
      { AppId: 'legacyhr', Name: 'Legacy HR', ProjectId: 'p2' },
    ];
    const v4 = [
      { id: 'p1', name: 'Order Portal', subdomain: 'orderportal', licenseType: 'licensed' as const, region: 'prod2-eu-central-1', technicalContact: { userId: 'demo@example.com', name: 'Demo User' } },
      { id: 'p3', name: 'Temp B', subdomain: 'tempb-free', licenseType: 'free' as const, region: 'sandbox-eu-west-1' },
    ];

    it('joins v1 and v4 on ProjectId so region and Technical Contact show next to the sub-domain', () => {
      const apps = mergeApps(v1, v4);
      const op = apps.find((a) => a.projectId === 'p1');
      assert.deepEqual(op, {
        appId: 'orderportal',
        projectId: 'p1',
        name: 'Order Portal',
        url: 'https://orderportal.apps.eu-1c.mendixcloud.com',
        region: 'prod2-eu-central-1',
        licenseType: 'licensed',
        technicalContact: { userId: 'demo@example.com', name: 'Demo User' },
        generation: 'v4',
      });
    });

    it('marks apps only v1 knows as v3, free apps without a node as "none", and sorts by name', () => {
      const apps = mergeApps(v1, v4);
      assert.deepEqual(
        apps.map((a) => [a.name, a.generation, a.region]),
        [
          ['Legacy HR', 'v3', undefined],
          ['Order Portal', 'v4', 'prod2-eu-central-1'],
          ['Temp B', 'none', undefined],
        ],
      );
    });

    it('marks a licensed app whose v1 URL has no ".apps.<region>." label as v3, even when v4 lists it', () => {
      const apps = mergeApps(
        [{ AppId: 'legacyhr', Name: 'Legacy HR', ProjectId: 'p2', Url: 'https://legacyhr.mendixcloud.com' }, v1[0]],
        [...v4, { id: 'p2', name: 'Legacy HR', subdomain: 'legacyhr', licenseType: 'licensed' as const, region: 'prod-eu-central-1' }],
      );
      assert.deepEqual(
        apps.map((a) => [a.name, a.generation]),
        [
          ['Legacy HR', 'v3'],
          ['Order Portal', 'v4'],
          ['Temp B', 'none'],
        ],
      );
      assert.equal(generationFromUrl('legacyhr.mendixcloud.com'), 'v3');
      assert.equal(generationFromUrl('https://orderportal.apps.eu-1c.mendixcloud.com/'), 'v4');
      assert.equal(generationFromUrl('https://shop.example.com'), undefined);
    });

    it('works with only one of the two lists', () => {
      assert.deepEqual(mergeApps(v1, undefined).map((a) => a.generation), ['unknown', 'unknown']);
      assert.deepEqual(mergeApps(undefined, v4).map((a) => a.appId), ['orderportal', 'tempb-free']);
    });

    it('maps v4 states onto the v1 status words of the model', () => {
      assert.deepEqual((['running', 'stopped', 'notdeployed'] as const).map(statusFromV4), ['Running', 'Stopped', 'Empty']);
    });
  });

  it('names regions from cluster ids and leaves unknown ids alone', () => {
    assert.equal(regionLabel('prod2-eu-central-1'), 'Frankfurt-2');
    assert.equal(regionLabel('prod-us-west-2'), 'Oregon');
    assert.equal(regionLabel('prod-eu-central-1'), 'Frankfurt');
    assert.equal(regionLabel('sandbox-eu-west-1'), 'Free Tier (Ireland)');
    assert.equal(regionLabel('mars-1'), 'mars-1');
    assert.equal(regionLabel(undefined), undefined);
  });

  it('filters apps on every word across name, sub-domain, ProjectId and region name', () => {
    const apps = [app('Order Portal'), app('Order Portal US', { region: 'prod-us-west-2' }), app('Legacy HR', { region: undefined })];
    assert.deepEqual(matchingApps(apps, 'order').map((a) => a.name), ['Order Portal', 'Order Portal US']);
    assert.deepEqual(matchingApps(apps, 'order oregon').map((a) => a.name), ['Order Portal US']);
    assert.deepEqual(matchingApps(apps, 'p-legacyhr').map((a) => a.name), ['Legacy HR']);
    assert.equal(matchingApps(apps, '  ').length, 3);
  });

  it('formats sizes, durations and transfers for progress messages', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KB');
    assert.equal(formatBytes(5 * 1024 ** 3), '5.0 GB');
    assert.equal(formatDuration(75), '1 min 15 s');
    assert.equal(formatDuration(3 * 3600 + 120), '3 h 2 min');
    assert.equal(
      formatTransfer({ bytes: 25 * 1024 ** 2, total: 100 * 1024 ** 2, bytesPerSecond: 5 * 1024 ** 2, etaSeconds: 15 }),
      '25.0 MB of 100 MB (25 %) · 5.0 MB/s · 15 s left',
    );
    assert.equal(formatTransfer({ bytes: 10 }), '10 B');
  });

  describe('errors', () => {
    it('adds the API hint once and prefixes the action', () => {
      const apiLike = Object.assign(new Error('v1.stopEnvironment failed (HTTP 403 NO_ACCESS)'), { hint: 'Grant Transport Rights on the node.' });
      assert.equal(errorText('Stop environment', apiLike), 'Stop environment failed: v1.stopEnvironment failed (HTTP 403 NO_ACCESS). Grant Transport Rights on the node.');
      const already = Object.assign(new Error('x failed — check the API key'), { hint: 'check the API key' });
      assert.equal(errorText('Refresh', already), 'Refresh failed: x failed — check the API key.');
    });

    it('shows user-facing errors as written', () => {
      assert.equal(errorText('Sign in', new UserFacingError('Sign-in failed: key rejected.', 'Nothing was stored.')), 'Sign-in failed: key rejected. Nothing was stored.');
    });

    it('recognises cancellations from prompts and aborts', () => {
      const abort = new Error('aborted');
      abort.name = 'AbortError';
      assert.equal(isCancellation(new UserCancelledError()), true);
      assert.equal(isCancellation(abort), true);
      assert.equal(isCancellation(new Error('x')), false);
    });
  });
});
