/**
 * Typed waits for the asynchronous jobs of a migration. Each resolves with the final object when
 * the job succeeded and throws MendixJobFailedError / MendixApiError when it failed.
 */
import type { Clock } from '../../shared/clock';
import { MendixJobFailedError } from './errors';
import type { BackupsApi } from './backupsApi';
import type { BuildApi } from './buildApi';
import type { DeployV1Api } from './deployV1Api';
import type { DeployV2Api } from './deployV2Api';
import type { Archive, Restore, Snapshot } from './schemas/backupsSchemas';
import type { MendixPackage, V1StartJob } from './schemas/deployV1Schemas';
import type { V2Job } from './schemas/deployV2Schemas';
import { waitFor, type WaitOptions } from './waitFor';

export type JobWaitOptions<T> = Omit<WaitOptions<T>, 'clock' | 'what'>;

export class JobWaiter {
  constructor(
    private readonly apis: { v1: DeployV1Api; build: BuildApi; v2: DeployV2Api; backups: BackupsApi },
    private readonly clock: Clock,
  ) {}

  /**
   * Polls a start job until `Started`. Start failures arrive as error statuses on the poll
   * (e.g. 500 DB_SYNC_FAILED) and are thrown as MendixApiError; a poll answering ALREADY_STARTED
   * reads as Started (DeployV1Api.getStartJob), which is what we waited for.
   */
  async start(appId: string, mode: string, jobId: string, opts: JobWaitOptions<V1StartJob> = {}): Promise<V1StartJob> {
    return waitFor(
      (signal) => this.apis.v1.getStartJob(appId, mode, jobId, { signal }),
      (j) => j.Status === 'Started',
      { intervalMs: 3000, ...opts, clock: this.clock, what: `start of ${appId}/${mode}` },
    );
  }

  /** Polls a v2 upload job until Completed; Failed throws. */
  async upload(appId: string, jobId: string, opts: JobWaitOptions<V2Job> = {}): Promise<V2Job> {
    const job = await waitFor(
      (signal) => this.apis.v2.getJob(appId, jobId, { signal }),
      (j) => j.Status === 'Completed' || j.Status === 'Failed',
      { intervalMs: 2000, ...opts, clock: this.clock, what: `package upload job ${jobId}` },
    );
    if (job.Status === 'Failed') throw new MendixJobFailedError(`package upload job ${jobId}`, job.Status);
    return job;
  }

  /** Polls a package (build, or processing after upload) until Succeeded; Failed throws. */
  async packageReady(appId: string, packageId: string, opts: JobWaitOptions<MendixPackage> = {}): Promise<MendixPackage> {
    const pkg = await waitFor(
      (signal) => this.apis.build.getPackage(appId, packageId, { signal }),
      (p) => p.Status === 'Succeeded' || p.Status === 'Failed',
      { intervalMs: 5000, ...opts, clock: this.clock, what: `package ${packageId}` },
    );
    if (pkg.Status === 'Failed') throw new MendixJobFailedError(`package ${packageId}`, pkg.Status);
    return pkg;
  }

  snapshot(projectId: string, environmentId: string, snapshotId: string, opts: JobWaitOptions<Snapshot> = {}): Promise<Snapshot> {
    return this.backupJob(`snapshot ${snapshotId}`, (signal) => this.apis.backups.getSnapshot(projectId, environmentId, snapshotId, { signal }), opts);
  }

  /** Polls an archive until completed with a `url`; the URL then stays valid for 8 hours. */
  async archive(projectId: string, environmentId: string, snapshotId: string, archiveId: string, opts: JobWaitOptions<Archive> = {}): Promise<Archive & { url: string }> {
    const a = await waitFor(
      (signal) => this.apis.backups.getArchive(projectId, environmentId, snapshotId, archiveId, { signal }),
      (x) => (x.state === 'completed' && x.url !== undefined) || x.state === 'failed',
      { intervalMs: 5000, ...opts, clock: this.clock, what: `archive ${archiveId}` },
    );
    if (a.state === 'failed' || a.url === undefined) throw new MendixJobFailedError(`archive ${archiveId}`, a.state, a.status_message);
    return { ...a, url: a.url };
  }

  restore(projectId: string, environmentId: string, restoreId: string, opts: JobWaitOptions<Restore> = {}): Promise<Restore> {
    return this.backupJob(`restore ${restoreId}`, (signal) => this.apis.backups.getRestore(projectId, environmentId, restoreId, { signal }), opts);
  }

  /** Polls a Backups API job (snapshot, restore) until `completed`; `failed` throws with its status message. */
  private async backupJob<J extends Snapshot | Restore>(what: string, read: (signal: AbortSignal | undefined) => Promise<J>, opts: JobWaitOptions<J>): Promise<J> {
    const job = await waitFor(read, (x) => x.state === 'completed' || x.state === 'failed', { intervalMs: 5000, ...opts, clock: this.clock, what });
    if (job.state === 'failed') throw new MendixJobFailedError(what, job.state, job.status_message);
    return job;
  }
}
