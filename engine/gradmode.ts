// Whether op applications are recorded for autodiff (PyTorch's grad mode).
let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

/** Runs fn with recording switched on or off, restoring the previous mode afterwards. */
export function withGradMode<R>(on: boolean, fn: () => R): R {
  const prev = enabled;
  enabled = on;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

/** Runs fn without recording (torch.no_grad). */
export function noGrad<R>(fn: () => R): R {
  return withGradMode(false, fn);
}
