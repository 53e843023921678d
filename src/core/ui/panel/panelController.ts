/**
 * The panel's logic without VS Code: validates every message from the page, turns each button into
 * the command it stands for (run through the one command table and wrapper, which also show its
 * errors), turns journal changes into deltas (only changed step rows, run info, timings, diagram),
 * and posts them through the rate-limited queue. The VS Code host only adapts `post`, visibility
 * and command execution.
 */
import { COMMANDS, type CommandId } from '../kit/commandIds';
import type { PlanLine } from '../../migration/plan';
import type { Journal } from '../../migration/types';
import type { Logger } from '../../shared/logger';
import { buildPanelModel, changedSteps, sameJson } from './panelModel';
import { parsePageMessage, type DnsModel, type HostMessage, type PanelModel, type RunAction, type StepAction, type TransferRow } from './protocol';
import { systemTimers, UpdateQueue, type Timers } from './updateQueue';

export interface PanelSource {
  readonly journalFile: string;
  /** The latest journal (the running session's, or the file's); undefined when it cannot be read. */
  journal(): Readonly<Journal> | undefined;
  plan(): readonly PlanLine[];
  /** What is driving the run from this window right now, if anything. */
  busy(): string | undefined;
  /** The "Now:" line while the run is not working on a step (an open question, a rollback), if any. */
  saying?(): string | undefined;
}

/** The command each step button stands for; it receives `{ journalFile, stepId }`. */
export const STEP_COMMANDS: Readonly<Record<StepAction, CommandId>> = {
  run: COMMANDS.runStep,
  verify: COMMANDS.verifyStep,
  markDone: COMMANDS.markStepDone,
  redo: COMMANDS.redoStep,
  openPortal: COMMANDS.openPortal,
  copySupportRequest: COMMANDS.copySupportRequest,
  openApp: COMMANDS.openStepApp,
  revealFile: COMMANDS.revealStepFile,
  copyPath: COMMANDS.copyStepPath,
  showLog: COMMANDS.showLog,
};

/** The command each run-wide button stands for (it receives `{ journalFile }`); the DNS watch buttons are the panel's own view. */
export const RUN_COMMANDS: Readonly<Record<Exclude<RunAction, 'watchDns' | 'stopDns'>, CommandId>> = {
  runAll: COMMANDS.resumeMigration,
  exportReport: COMMANDS.exportReport,
  ackWarnings: COMMANDS.acknowledgeWarnings,
};

export interface PanelActions {
  /** Runs a command the way the palette and the trees do (the host: `vscode.commands.executeCommand`). */
  command(id: CommandId, arg: { journalFile: string; stepId?: string }): Promise<unknown>;
  /** Starts or stops watching DNS propagation (the panel's own section, not a migration action). */
  dns(watch: boolean): void;
}

export interface PanelControllerOptions {
  source: PanelSource;
  actions: PanelActions;
  post: (m: HostMessage) => void;
  log: Logger;
  timers?: Timers;
}

export class PanelController {
  private sent: PanelModel | undefined;
  private transfers = new Map<string, TransferRow>();
  private dnsModel: DnsModel | undefined;
  private readonly queue: UpdateQueue;
  private rejected = 0;

  constructor(private readonly opts: PanelControllerOptions) {
    this.queue = new UpdateQueue(opts.post, opts.timers ?? systemTimers);
  }

  /** How many malformed messages were refused (for tests and the log). */
  get rejectedCount(): number {
    return this.rejected;
  }

  get ready(): boolean {
    return this.sent !== undefined;
  }

  /** Handles one message from the page. Returns false when it was refused (wrong shape or unknown step). */
  async receive(raw: unknown): Promise<boolean> {
    const parsed = parsePageMessage(raw);
    if (!parsed.ok) {
      this.rejected++;
      this.opts.log.warn(`panel: refused a malformed message (${parsed.error})`);
      return false;
    }
    const m = parsed.value;
    if (m.type === 'ready') {
      this.sendInit();
      return true;
    }
    if (m.type === 'stepAction') {
      if (!this.opts.source.plan().some((l) => l.id === m.stepId)) {
        this.rejected++;
        this.opts.log.warn(`panel: refused ${m.action} for unknown step "${m.stepId}"`);
        return false;
      }
      await this.command(STEP_COMMANDS[m.action], { journalFile: this.opts.source.journalFile, stepId: m.stepId });
      return true;
    }
    if (m.action === 'watchDns' || m.action === 'stopDns') this.opts.actions.dns(m.action === 'watchDns');
    else await this.command(RUN_COMMANDS[m.action], { journalFile: this.opts.source.journalFile });
    return true;
  }

  /** Sends the whole model (on `ready`, e.g. after the page was reloaded). */
  sendInit(): void {
    const model = this.compute();
    if (!model) return;
    model.transfers = [...this.transfers.values()];
    if (this.dnsModel) model.dns = this.dnsModel;
    this.sent = model;
    this.queue.sendNow({ type: 'init', model }, true);
  }

  /** Recomputes from the journal and queues what changed since the last message. */
  refresh(): void {
    if (!this.sent) return;
    const next = this.compute();
    if (!next) return;
    const prev = this.sent;
    const steps = changedSteps(prev.steps, next.steps);
    if (steps.length > 0) this.queue.setSteps(steps);
    if (!sameJson(prev.run, next.run)) this.queue.setRun(next.run);
    if (!sameJson(prev.timings, next.timings)) this.queue.setTimings(next.timings);
    if (!sameJson(prev.diagram, next.diagram)) this.queue.setDiagram(next.diagram);
    this.sent = { ...next, transfers: prev.transfers, dns: prev.dns };
  }

  transfer(row: TransferRow): void {
    this.transfers.set(row.stepId, row);
    if (this.sent) this.queue.setTransfer(row);
  }

  dns(model: DnsModel): void {
    this.dnsModel = model;
    if (this.sent) this.queue.setDns(model);
  }

  /** Sends pending updates now when the rate allows (tests, or before closing). */
  flush(): void {
    this.queue.flush();
  }

  dispose(): void {
    this.queue.dispose();
  }

  private compute(): PanelModel | undefined {
    const j = this.opts.source.journal();
    if (!j) return undefined;
    return buildPanelModel(this.opts.source.journalFile, this.opts.source.plan(), j, this.opts.source.busy(), this.opts.source.saying?.());
  }

  /** The command's own wrapper reports its errors; a command that cannot even be started is only logged. */
  private async command(id: CommandId, arg: { journalFile: string; stepId?: string }): Promise<void> {
    try {
      await this.opts.actions.command(id, arg);
    } catch (e) {
      this.opts.log.error(`panel: ${id} could not run: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.refresh();
    }
  }
}
