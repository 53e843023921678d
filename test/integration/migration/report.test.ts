import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournalStore, journalPathsFor } from '../../../src/core/migration/journalStore';
import { renderReport } from '../../../src/core/migration/report';
import { sampleInput } from '../../support/sampleInput';

describe('sign-off report: downtime', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'report-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lists every downtime window of the source and their total, and says when one is still open', async () => {
    const store = await JournalStore.create(journalPathsFor(dir, 'r'), sampleInput(dir), []);
    await store.update((j) => {
      j.cutover.downtimes = [
        { startedAt: '2026-11-30T10:00:00.000Z', endedAt: '2026-11-30T10:02:30.000Z', endedBy: 'source-restarted' },
        { startedAt: '2026-11-30T11:00:00.000Z', endedAt: '2026-11-30T11:04:00.000Z', endedBy: 'target-started' },
      ];
    });
    const md = renderReport(store.peek(), []);
    assert.match(md, /\| 1 \| 2026-11-30T10:00:00.000Z \| 2026-11-30T10:02:30.000Z \| rollback: the source restarted \| 2 min 30 s \|/);
    assert.match(md, /\| 2 \| .* \| the target started \| 4 min 0 s \|/);
    assert.match(md, /Total downtime of the source: 6 min 30 s over 2 windows$/m);

    await store.update((j) => {
      j.cutover.downtimes?.push({ startedAt: '2026-11-30T12:00:00.000Z' });
    });
    assert.match(renderReport(store.peek(), []), /Total downtime of the source: 6 min 30 s over 3 windows \(1 still open: the source is down now\)/);
  });
});
