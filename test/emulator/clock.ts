/**
 * The virtual clock: async work in the emulator (package processing, starts, backups) is scheduled
 * in virtual time, which runs `timeScale` times faster than real time and can be pushed forward.
 */
export class VirtualClock {
  private baseVirtualMs: number;
  private baseRealMs: number;
  private scale: number;

  constructor(startVirtualMs: number, timeScale: number) {
    if (!(timeScale > 0)) throw new Error(`timeScale must be > 0, got ${timeScale}`);
    this.baseVirtualMs = startVirtualMs;
    this.baseRealMs = performance.now();
    this.scale = timeScale;
  }

  get timeScale(): number {
    return this.scale;
  }

  now(): number {
    return Math.floor(this.baseVirtualMs + (performance.now() - this.baseRealMs) * this.scale);
  }

  advance(seconds: number): number {
    this.baseVirtualMs += seconds * 1000;
    return this.now();
  }

  setTimeScale(timeScale: number): void {
    if (!(timeScale > 0)) throw new Error(`timeScale must be > 0, got ${timeScale}`);
    this.baseVirtualMs = this.now();
    this.baseRealMs = performance.now();
    this.scale = timeScale;
  }

  /** Real milliseconds until virtual time `virtualMs` is reached (0 if already past). */
  realMsUntil(virtualMs: number): number {
    return Math.max(0, (virtualMs - this.now()) / this.scale);
  }
}
