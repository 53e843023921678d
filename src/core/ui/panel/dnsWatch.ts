/**
 * Watches a custom domain's propagation for the panel: one loop over the DNS core's watch, turned
 * into `DnsModel`s with the TTL readiness. Pausing (the panel is hidden) stops querying; resuming
 * starts a fresh check, so a hidden panel never keeps the resolvers busy.
 */
import { watchPropagation, type WatchOptions } from '../../dns/watch';
import type { PropagationReport } from '../../dns/propagation';
import { evaluateTtlReadiness, newTtlReadinessState, observeReport, type TtlReadinessState } from '../../dns/ttlReadiness';
import type { Logger } from '../../shared/logger';
import { dnsModelFrom, emptyDnsModel, expectedCname } from './dnsModel';
import type { DnsModel } from './protocol';

export type DnsWatchConfig = Omit<WatchOptions, 'signal' | 'domain' | 'expected'>;

export type WatchFn = (opts: WatchOptions) => AsyncGenerator<PropagationReport, void, void>;

/**
 * Once the target environment's URL is known (the redeploy step records it), the panel judges where
 * the chain ends instead of the CNAME alone, which stays the same in a move inside cname.mendix.net
 * (mendix-api §14.13); that needs the whole chain, so the A record is asked for.
 */
export function withTargetHost(config: DnsWatchConfig, targetUrl: unknown): DnsWatchConfig {
  if (typeof targetUrl !== 'string' || targetUrl === '') return config;
  let host: string;
  try {
    host = new URL(targetUrl).hostname;
  } catch {
    return config;
  }
  return host === '' ? config : { ...config, targetHost: host, recordType: 'A' };
}

export class DnsWatch {
  private wanted = false;
  private paused = false;
  private abort: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private readiness: TtlReadinessState;
  private last: DnsModel;

  constructor(
    readonly domain: string,
    private readonly config: () => DnsWatchConfig,
    private readonly onModel: (m: DnsModel) => void,
    private readonly log: Logger,
    private readonly watch: WatchFn = watchPropagation,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.readiness = newTtlReadinessState(domain);
    this.last = emptyDnsModel(domain);
  }

  get model(): DnsModel {
    return this.last;
  }

  get running(): boolean {
    return this.loop !== undefined;
  }

  start(): void {
    this.wanted = true;
    if (!this.paused) this.spawn();
    this.publish({ ...this.last, watching: true, paused: this.paused });
  }

  stop(): void {
    this.wanted = false;
    this.halt();
    this.publish({ ...this.last, watching: false, paused: false });
  }

  /** The panel is hidden: stop asking resolvers until it is visible again. */
  pause(): void {
    if (this.paused) return;
    this.paused = true;
    if (this.wanted) {
      this.halt();
      this.publish({ ...this.last, paused: true });
    }
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.wanted) {
      this.spawn();
      this.publish({ ...this.last, paused: false, watching: true });
    }
  }

  /** Waits for the current loop to end (tests). */
  async settled(): Promise<void> {
    await this.loop;
  }

  private halt(): void {
    this.abort?.abort();
    this.abort = undefined;
  }

  private spawn(): void {
    if (this.loop) {
      // A halted loop is still winding down: start again once it has.
      if (!this.abort) void this.loop.then(() => (this.wanted && !this.paused ? this.spawn() : undefined));
      return;
    }
    const abort = new AbortController();
    this.abort = abort;
    const run = async (): Promise<void> => {
      try {
        for await (const report of this.watch({ ...this.config(), domain: this.domain, expected: expectedCname(this.domain), signal: abort.signal })) {
          this.readiness = observeReport(this.readiness, report);
          const readiness = evaluateTtlReadiness(this.readiness, this.now());
          this.publish(dnsModelFrom(report, readiness, !abort.signal.aborted, this.paused));
        }
        if (!abort.signal.aborted) this.wanted = false;
      } catch (e) {
        const text = e instanceof Error ? e.message : String(e);
        this.log.warn(`dns watch for ${this.domain} failed: ${text}`);
        this.wanted = false;
        this.publish({ ...this.last, watching: false, error: `DNS check failed: ${text}` });
      } finally {
        this.loop = undefined;
        if (this.abort === abort) this.abort = undefined;
      }
    };
    this.loop = run();
  }

  private publish(m: DnsModel): void {
    this.last = m;
    this.onModel(m);
  }
}
