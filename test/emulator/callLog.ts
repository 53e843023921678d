/** Every API and download request the emulator received, so tests can count retries and repeated writes. */
export interface CallRecord {
  seq: number;
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  /** Real wall-clock time the request arrived. */
  time: string;
  /** Virtual time the request arrived. */
  virtualTime: string;
  durationMs: number;
  /** The injected fault that hit this request, if any. */
  fault?: string;
}

export class CallLog {
  private records: CallRecord[] = [];
  private seq = 0;
  /** Bounded so a long demo run cannot grow without limit. */
  private readonly max = 50_000;

  start(method: string, path: string, query: Record<string, string>, virtualNow: number): CallRecord {
    const r: CallRecord = {
      seq: ++this.seq,
      method,
      path,
      query,
      status: 0,
      time: new Date().toISOString(),
      virtualTime: new Date(virtualNow).toISOString(),
      durationMs: 0,
    };
    this.records.push(r);
    if (this.records.length > this.max) this.records.splice(0, this.records.length - this.max);
    return r;
  }

  list(): CallRecord[] {
    return [...this.records];
  }

  clear(): void {
    this.records = [];
  }
}
