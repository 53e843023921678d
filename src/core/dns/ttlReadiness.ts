/**
 * TTL readiness before the cutover. Caches keep an answer for the TTL it had when they fetched it,
 * so lowering the TTL only helps once one *old* TTL has passed since the change. We remember the
 * first TTL seen and when it went down; the state is plain JSON the caller stores between runs.
 */
import type { PropagationReport } from './propagation';

export interface TtlObservation {
  ttl: number;
  at: string;
}

export interface TtlReadinessState {
  version: 1;
  domain: string;
  firstSeen?: TtlObservation;
  lastSeen?: TtlObservation;
  /** When we first saw the TTL lower than before, and what it was before that. */
  loweredAt?: string;
  ttlBeforeLowering?: number;
  /** Until then some cache may still hold a copy fetched under a higher TTL. */
  oldCopiesExpireAt?: string;
  /** Highest TTL ever seen: what to raise it back to after the move. */
  highestTtl?: number;
  cutoverDoneAt?: string;
  /**
   * The zone already answers with a CNAME to `<domain>.cname.mendix.net`: the move changes nothing in
   * the customer's zone (mendix-api §14.13), so its TTL does not matter for the move.
   */
  recordStays?: boolean;
}

export type ReadinessStatus = 'unknown' | 'too-high' | 'waiting' | 'ready' | 'raise-again';

export interface ReadinessReport {
  status: ReadinessStatus;
  currentTtl?: number;
  targetTtl: number;
  /** When the cutover can happen with at most `targetTtl` of stale traffic. */
  readyAt?: string;
  messages: string[];
  warnings: string[];
}

export interface ReadinessOptions {
  /** Mendix recommends 300 s (mendix-api.md §12). */
  targetTtl?: number;
  /** How far ahead of the planned cutover to warn; a week by default. */
  warnAheadMs?: number;
  /** TTL to suggest after the move when nothing higher was ever seen. */
  raiseToTtl?: number;
}

const DAY = 86_400_000;
export const DEFAULT_TARGET_TTL = 300;

export function newTtlReadinessState(domain: string): TtlReadinessState {
  return { version: 1, domain };
}

/** Records one authoritative TTL (the full TTL from the zone, not a resolver's countdown). */
export function observeTtl(state: TtlReadinessState, ttl: number, now: Date): TtlReadinessState {
  const at = now.toISOString();
  const next: TtlReadinessState = { ...state, lastSeen: { ttl, at }, highestTtl: Math.max(state.highestTtl ?? 0, ttl) };
  if (!state.firstSeen || !state.lastSeen) return { ...next, firstSeen: state.firstSeen ?? { ttl, at } };
  const before = state.lastSeen.ttl;
  if (ttl < before) {
    // A copy fetched just before the change may live `before` seconds more; several lowerings keep the latest end.
    const expires = now.getTime() + before * 1000;
    const previous = state.oldCopiesExpireAt ? Date.parse(state.oldCopiesExpireAt) : 0;
    next.loweredAt = at;
    next.ttlBeforeLowering = before;
    next.oldCopiesExpireAt = new Date(Math.max(expires, previous)).toISOString();
  } else if (ttl > before) {
    // Raised again: any earlier lowering no longer counts.
    delete next.loweredAt;
    delete next.ttlBeforeLowering;
  }
  return next;
}

/** Feeds the authoritative TTL of a propagation check; a report without one leaves the state as is. */
export function observeReport(state: TtlReadinessState, report: Pick<PropagationReport, 'authoritative' | 'checkedAt' | 'expected'>): TtlReadinessState {
  const ttl = report.authoritative.ttl;
  if (ttl === undefined) return state;
  const next = observeTtl(state, ttl, new Date(report.checkedAt));
  const mendixTarget = `${state.domain.toLowerCase().replace(/\.$/, '')}.cname.mendix.net.`;
  next.recordStays = report.expected === mendixTarget && report.authoritative.value === `CNAME ${mendixTarget}`;
  return next;
}

export function markCutoverDone(state: TtlReadinessState, now: Date): TtlReadinessState {
  return { ...state, cutoverDoneAt: now.toISOString() };
}

export function evaluateTtlReadiness(state: TtlReadinessState, now: Date, plannedCutover?: Date, opts: ReadinessOptions = {}): ReadinessReport {
  const target = opts.targetTtl ?? DEFAULT_TARGET_TTL;
  const warnAhead = opts.warnAheadMs ?? 7 * DAY;
  const messages: string[] = [];
  const warnings: string[] = [];
  const current = state.lastSeen?.ttl;
  if (current === undefined) {
    return { status: 'unknown', targetTtl: target, messages: [`Check the authoritative TTL of ${state.domain} to start tracking it.`], warnings };
  }

  if (state.recordStays === true) {
    messages.push(
      `${state.domain} already has a CNAME to ${state.domain}.cname.mendix.net: nothing changes in your zone, so its TTL (${current} s) does not delay the move. ` +
        "What propagates is Mendix's record, when the domain is bound to the target environment; nothing to lower now or raise afterwards.",
    );
    return { status: 'ready', currentTtl: current, targetTtl: target, readyAt: now.toISOString(), messages, warnings };
  }

  if (state.cutoverDoneAt) {
    const raiseTo = Math.max(state.highestTtl ?? 0, opts.raiseToTtl ?? 3600);
    if (current <= target) {
      messages.push(`The move is done. Once propagation reaches 100 %, raise the TTL of ${state.domain} from ${current} s back to about ${raiseTo} s to cut DNS load and latency.`);
      return { status: 'raise-again', currentTtl: current, targetTtl: target, messages, warnings };
    }
    messages.push(`The TTL is ${current} s again after the move.`);
    return { status: 'ready', currentTtl: current, targetTtl: target, messages, warnings };
  }

  const msLeft = plannedCutover ? plannedCutover.getTime() - now.getTime() : undefined;
  const within = msLeft !== undefined && msLeft <= warnAhead;
  const plannedText = plannedCutover ? plannedCutover.toISOString() : '';

  if (current > target) {
    const readyIfNow = new Date(now.getTime() + current * 1000);
    messages.push(
      `Lower the TTL of ${state.domain} from ${current} s to ${target} s now. Resolvers may keep the old TTL for ${current} s after the change, so the cutover is safe from ${readyIfNow.toISOString()}.`,
    );
    if (within) warnings.push(`The cutover is planned for ${plannedText} and the TTL is still ${current} s.`);
    if (msLeft !== undefined && msLeft < current * 1000) {
      warnings.push(`Even if lowered now, caches may hold the ${current} s TTL past the planned cutover; move the date or expect up to ${current} s of traffic to the old node.`);
    }
    return { status: 'too-high', currentTtl: current, targetTtl: target, readyAt: readyIfNow.toISOString(), messages, warnings };
  }

  const expires = state.oldCopiesExpireAt ? Date.parse(state.oldCopiesExpireAt) : undefined;
  if (expires !== undefined && now.getTime() < expires) {
    const readyAt = new Date(expires).toISOString();
    messages.push(`The TTL went down from ${state.ttlBeforeLowering ?? '?'} s to ${current} s at ${state.loweredAt ?? '?'}; old copies expire from caches at ${readyAt}.`);
    if (plannedCutover && plannedCutover.getTime() < expires) warnings.push(`The planned cutover ${plannedText} is before ${readyAt}; some clients may use the old answer longer than ${target} s.`);
    return { status: 'waiting', currentTtl: current, targetTtl: target, readyAt, messages, warnings };
  }

  if (state.loweredAt) messages.push(`The TTL is ${current} s and was lowered long enough ago (at ${state.loweredAt}).`);
  else messages.push(`The TTL was already ${current} s (≤ ${target} s) when first seen at ${state.firstSeen?.at ?? state.lastSeen?.at ?? '?'}.`);
  if (plannedCutover && !within) {
    messages.push(`Check again a week before the cutover, on ${new Date(plannedCutover.getTime() - warnAhead).toISOString().slice(0, 10)}.`);
  }
  messages.push(`After the move, raise the TTL again (for example to ${Math.max(state.highestTtl ?? 0, opts.raiseToTtl ?? 3600)} s).`);
  return { status: 'ready', currentTtl: current, targetTtl: target, readyAt: now.toISOString(), messages, warnings };
}

/** A thin object over the pure functions for callers that prefer methods; `state` is what to persist. */
export class TtlReadiness {
  constructor(
    public state: TtlReadinessState,
    private readonly opts: ReadinessOptions = {},
  ) {}

  static start(domain: string, opts?: ReadinessOptions): TtlReadiness {
    return new TtlReadiness(newTtlReadinessState(domain), opts);
  }

  observe(ttl: number, now: Date): ReadinessReport {
    this.state = observeTtl(this.state, ttl, now);
    return this.evaluate(now);
  }

  cutoverDone(now: Date): void {
    this.state = markCutoverDone(this.state, now);
  }

  evaluate(now: Date, plannedCutover?: Date): ReadinessReport {
    return evaluateTtlReadiness(this.state, now, plannedCutover, this.opts);
  }
}
