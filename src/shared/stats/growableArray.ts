/** A Float64Array that grows by doubling: per-token values without n × vocab memory. */
export class GrowableFloat64 {
  private buffer = new Float64Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.buffer.length) {
      const next = new Float64Array(this.buffer.length * 2);
      next.set(this.buffer);
      this.buffer = next;
    }
    this.buffer[this.length++] = value;
  }

  values(): Float64Array {
    return this.buffer.subarray(0, this.length);
  }
}
