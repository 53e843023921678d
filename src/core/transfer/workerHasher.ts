/**
 * SHA-256 on a worker thread, so hashing a multi-GiB download does not compete with receiving and
 * writing it on the main thread. Chunks are copied once into fresh buffers that are transferred
 * (not cloned) to the worker; socket buffers may be shared slices, so they are never transferred
 * themselves. At most `maxInFlight` bytes wait in the worker's queue, which bounds memory.
 */
import { Worker } from 'node:worker_threads';
import type { StreamHasher } from './hashingFileSink';

// Inline source: keeps the bundle to one file and needs no path resolution at run time.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const hash = require('node:crypto').createHash('sha256');
parentPort.on('message', (m) => {
  if (m.type === 'data') {
    let n = 0;
    for (const c of m.chunks) { hash.update(c); n += c.byteLength; }
    parentPort.postMessage({ type: 'ack', bytes: n });
  } else if (m.type === 'digest') {
    parentPort.postMessage({ type: 'digest', hex: hash.digest('hex') });
  }
});
`;

type WorkerReply = { type: 'ack'; bytes: number } | { type: 'digest'; hex: string };

export class WorkerHasher implements StreamHasher {
  private readonly worker: Worker;
  private inFlight = 0;
  private waiters: (() => void)[] = [];
  private digestWaiter?: { resolve: (hex: string) => void; reject: (e: Error) => void };
  private failure?: Error;

  constructor(private readonly maxInFlight = 32 * 1024 * 1024) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true });
    this.worker.on('message', (m: WorkerReply) => {
      if (m.type === 'ack') {
        this.inFlight -= m.bytes;
        if (this.inFlight <= this.maxInFlight / 2) this.wake();
      } else {
        this.digestWaiter?.resolve(m.hex);
        this.digestWaiter = undefined;
      }
    });
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => {
      if (code !== 0) this.fail(new Error(`hash worker exited with code ${code}`));
    });
  }

  update(chunks: readonly Buffer[]): void | Promise<void> {
    if (this.failure) throw this.failure;
    const copies = chunks.map((c) => new Uint8Array(c));
    const bytes = copies.reduce((n, c) => n + c.byteLength, 0);
    this.inFlight += bytes;
    this.worker.postMessage(
      { type: 'data', chunks: copies },
      copies.map((c) => c.buffer),
    );
    if (this.inFlight <= this.maxInFlight) return;
    return new Promise<void>((resolve) => this.waiters.push(resolve)).then(() => {
      if (this.failure) throw this.failure;
    });
  }

  digest(): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<string>((resolve, reject) => {
      this.digestWaiter = { resolve, reject };
      this.worker.postMessage({ type: 'digest' });
    });
  }

  close(): void {
    void this.worker.terminate();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.digestWaiter?.reject(e);
    this.digestWaiter = undefined;
    this.wake();
  }
}
