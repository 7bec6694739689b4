// A metered view of a backend: the same backend (every property and method forwarded, the same
// storages), whose `run` adds up the cost metadata (FLOPs and bytes, engine/op.ts `cost`) of every
// kernel it is asked to run while metering is on. Models are built on it so one untimed iteration
// measures the traffic the roofline needs; with metering off it only forwards the call.
// Ops that a backend lacks run through their decomposition, whose ops are metered one by one.
import { OPS, isOpName, type Backend, type TensorMeta } from '../../../engine/index.js';

export interface Metered {
  readonly backend: Backend;
  start(): void;
  /** Stops metering; returns the totals since start() (and how many kernel calls they cover). */
  stop(): { flops: number; bytes: number; calls: number };
}

export function meter(inner: Backend): Metered {
  let on = false;
  let flops = 0, bytes = 0, calls = 0;
  const run: Backend['run'] = (op, inputs, attrs, outs) => {
    const res = inner.run(op, inputs, attrs, outs);
    if (on && res && isOpName(op)) {
      const metas: TensorMeta[] = inputs.map((t) => ({ shape: t.shape, dtype: t.dtype }));
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const c = (OPS[op] as any).cost(metas, outs, attrs) as { flops: number; bytes: number };
      flops += c.flops;
      bytes += c.bytes;
      calls++;
    }
    return res;
  };
  const backend = new Proxy(inner, {
    get(target, prop) {
      if (prop === 'run') return run;
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return {
    backend,
    start() {
      on = true;
      flops = bytes = calls = 0;
    },
    stop() {
      on = false;
      return { flops, bytes, calls };
    },
  };
}
