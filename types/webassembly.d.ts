/**
 * The one WebAssembly API the host uses (a page-aligned memory for direct I/O buffers, see
 * src/core/mendix/transfer/hashingFileSink.ts). TypeScript declares WebAssembly only in the DOM and
 * WebWorker libs, which the host's tsconfig leaves out; the test and page tsconfigs get it from DOM.
 */
declare namespace WebAssembly {
  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
    shared?: boolean;
  }
  class Memory {
    constructor(descriptor: MemoryDescriptor);
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
}
