// Live-buffer accounting shared by every backend: what Backend.memory() reports, and what leak
// tests assert on (the count must be flat across training steps).
import type { MemoryStats } from './backend.js';

export class MemoryCounter {
  private live = 0;
  private bytes = 0;
  private peak = 0;

  /** A buffer of `bytes` was allocated (or adopted). */
  add(bytes: number): void {
    this.live++;
    this.bytes += bytes;
    this.peak = Math.max(this.peak, this.bytes);
  }

  /** A buffer of `bytes` was released. */
  remove(bytes: number): void {
    this.live--;
    this.bytes -= bytes;
  }

  snapshot(): MemoryStats {
    return { liveBuffers: this.live, liveBytes: this.bytes, peakBytes: this.peak };
  }
}
