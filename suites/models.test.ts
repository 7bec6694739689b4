// The model checks (suites/harness/modelcheck.ts) for every registered model's tiny presets on every
// available backend (webgpu included: it is started first). An unavailable backend is skipped with
// a warning, or fails when ZOO_REQUIRE lists it. The last block proves each check can fail, with models and a backend planted with bugs.
import { describe, expect, test } from 'vitest';
import type { KernelArg, RandomParams } from '../engine/backend.js';
import type { Backend, Storage, TensorMeta, TypedArray } from '../engine/index.js';
import {
  Linear, Module, add, backendNames, backendStatus, crossEntropy, initWebGPU, registerBackend, requiredBackends, sum, square, tensor,
  type Tensor,
} from '../engine/index.js';
import { RefBackend, RefStorage } from '../kernels/ref/backend.js';
import { PARITY_K } from './harness/tolerance.js';
import { MODELS } from '../zoo/index.js';
import { defineModel, type AnyModel, type ModelDef } from '../zoo/model.js';
import {
  ModelCheckFailure, checkDeterminism, checkDirectionalGradient, checkInvariant, checkLossAndGradients, checkParity, checkTraining, modelCases,
  runsInvariants, type ModelCase,
} from './harness/modelcheck.js';

// WebGPU hands out its adapter asynchronously: start it before listing the backends.
await initWebGPU();
const required = requiredBackends();
const backends = backendNames();

test('every backend named in ZOO_REQUIRE is registered', () => {
  expect(required.filter((b) => !backends.includes(b))).toEqual([]);
});

test('the registry has models, each with a tiny preset', () => {
  expect(Object.keys(MODELS).length).toBeGreaterThan(0);
  for (const def of Object.values(MODELS)) expect(Object.keys(def.presets), def.name).toContain('tiny');
});

function modelSuite(c: ModelCase, invariantsRun: boolean): void {
  const { steps, maxRatio } = c.def.trainCheck;
  describe(`${c.def.name}/${c.preset}`, () => {
    test('the loss is a finite scalar and every parameter gets a finite, non-zero gradient', async () => {
      await checkLossAndGradients(c);
    });
    if (c.backend === 'ref') {
      test('the gradient matches float64 finite differences along a random direction', () => {
        checkDirectionalGradient(c);
      });
    } else {
      test('loss and gradients match the float64 oracle within the derived tolerance', async () => {
        await checkParity(c);
      });
    }
    test('the same seed gives a bit-identical loss', async () => {
      await checkDeterminism(c);
    });
    // Training through every variant on ref; on accelerated backends through `tiny` (modelcheck.ts NOTE).
    test.skipIf(c.backend !== 'ref' && c.preset !== 'tiny')(`${steps} Adam steps bring the training loss below ${maxRatio}× its start`, async () => {
      await checkTraining(c);
    });
    for (const inv of c.def.invariants) test.skipIf(!invariantsRun)(`invariant: ${inv.name}`, () => checkInvariant(c, inv.name));
  });
}

for (const backend of backends) {
  const status = backendStatus(backend);
  if (status.available) {
    describe(`on ${backend}`, () => {
      const invariantsRun = runsInvariants(backend);
      if (!invariantsRun) console.warn(`models.test: invariants skipped on '${backend}' (they need float64 and synchronous reads)`);
      for (const c of modelCases(backend)) modelSuite(c, invariantsRun);
    });
  } else if (required.includes(backend)) {
    test(`backend ${backend} is available (ZOO_REQUIRE lists it)`, () => {
      throw new Error(`backend ${backend} is unavailable: ${status.reason}`);
    });
  } else {
    console.warn(`models.test: SKIPPING backend '${backend}' (unavailable: ${status.reason}); set ZOO_REQUIRE=${backend} to make this a failure`);
    describe.skip(`on ${backend} (unavailable: ${status.reason})`, () => {
      test('model checks', () => {});
    });
  }
}

// ---- the checks can fail -------------------------------------------------------------------------

/** A 2 -> 3 linear classifier on 8 fixed points; `bug` plants one defect. */
type Bug = 'none' | 'detached' | 'hidden-term' | 'random' | 'frozen';
let calls = 0;

class Tiny extends Module {
  readonly fc: Linear;
  constructor(readonly bug: Bug, opts: ConstructorParameters<typeof Linear>[2]) {
    super();
    this.fc = this.module('fc', new Linear(2, 3, opts));
  }
  forward(x: Tensor): Tensor {
    return this.fc.forward(x);
  }
}

function tinyModel(bug: Bug, lr = 0.1): ModelDef<{ bug: Bug }, Tiny> {
  return defineModel<{ bug: Bug }, Tiny>({
    name: `planted-${bug}`, family: 'test', doc: 'a linear classifier with a planted bug',
    presets: { tiny: { bug }, bench: { bug } },
    build: (config, gen, opts) => new Tiny(config.bug, { ...opts, gen }),
    data: (_config, opts) => {
      const batch = () => ({
        x: tensor([[1, 2], [-1, 0.5], [0.3, -2], [2, 2], [-1.5, -1], [0.2, 0.1], [1, -1], [-2, 1]], { dtype: opts.dtype ?? 'float32', backend: opts.backend }),
        y: tensor([0, 1, 2, 0, 1, 2, 0, 1], { dtype: 'int32', backend: opts.backend }),
      });
      return { description: 'eight points', trainBatch: batch, valBatches: () => [batch()] };
    },
    loss(model, batch) {
      const w = model.fc.weight;
      const logits = model.bug === 'detached' ? add(model.forward(batch['x']!), 0).detach() : model.forward(batch['x']!);
      let loss = crossEntropy(logits, batch['y']!);
      if (model.bug === 'detached') loss = add(loss, sum(model.fc.bias!));
      if (model.bug === 'hidden-term') loss = add(loss, sum(square(w.detach()))); // seen by finite differences, not by backward
      if (model.bug === 'random') loss = add(loss, 1e-3 * calls++);
      return loss;
    },
    flops: () => ({ forward: 0, train: 0 }),
    units: () => ({ count: 8, unit: 'samples' }),
    trainCheck: { steps: 20, lr: bug === 'frozen' ? 0 : lr, maxRatio: 0.9 },
    invariants: [{ name: 'always fails when planted', check: (ctx) => { if (ctx.config.bug !== 'none') throw new Error('planted'); } }],
  });
}

const planted = (bug: Bug, backend = 'ref'): ModelCase => {
  const def = tinyModel(bug) as AnyModel;
  return modelCases(backend, { [def.name]: def })[0]!;
};

/** ref with every matmul output scaled by (1 + skew): a backend with a subtly wrong kernel. */
class SkewedBackend implements Backend {
  readonly syncRead = true;
  private readonly inner = new RefBackend();
  constructor(readonly name: string, private readonly skew: number) {}
  upload = (data: TypedArray, meta: TensorMeta): Storage => this.inner.upload(data, meta);
  read = (s: Storage): Promise<TypedArray> => this.inner.read(s);
  readSync = (s: Storage): TypedArray => this.inner.readSync(s);
  release = (s: Storage): void => this.inner.release(s);
  memory = () => this.inner.memory();
  hasKernel = (op: string): boolean => this.inner.hasKernel(op);
  random = (meta: TensorMeta, p: RandomParams): Storage => this.inner.random(meta, p);
  run(op: string, inputs: readonly KernelArg[], attrs: unknown, outs: readonly TensorMeta[]): Storage[] {
    const out = this.inner.run(op, inputs, attrs, outs);
    if (op === 'matmul') for (const s of out) (s as RefStorage).data.forEach((v, i, a) => (a[i] = v * (1 + this.skew)));
    return out;
  }
}

describe('the model checks can fail', () => {
  test('a clean planted model passes every check', async () => {
    const c = planted('none');
    await checkLossAndGradients(c);
    checkDirectionalGradient(c);
    await checkDeterminism(c);
    await checkTraining(c);
    checkInvariant(c, 'always fails when planted');
  });

  test('a parameter cut from the graph is reported by name', async () => {
    await expect(checkLossAndGradients(planted('detached'))).rejects.toThrow(/planted-detached\/tiny on ref: parameter fc\.weight \(3,2\) received no gradient/);
  });

  test('a loss term invisible to backward fails the directional gradient check', () => {
    expect(() => checkDirectionalGradient(planted('hidden-term'))).toThrow(/fc\.weight: analytic .* vs numeric/);
  });

  test('a loss that changes from call to call fails the determinism check', async () => {
    await expect(checkDeterminism(planted('random'))).rejects.toThrow(ModelCheckFailure);
  });

  test('a model that does not learn fails the training check', async () => {
    await expect(checkTraining(planted('frozen'))).rejects.toThrow(/ratio 1\.000 > 0\.9/);
  });

  test('a failing invariant is reported with its name', () => {
    expect(() => checkInvariant(planted('frozen'), 'always fails when planted')).toThrow(/invariant 'always fails when planted' fails: planted/);
  });

  test('parity passes for an exact copy of ref and fails for a matmul off by 1e-4', async () => {
    registerBackend('ref-copy', () => new SkewedBackend('ref-copy', 0));
    registerBackend('ref-skewed', () => new SkewedBackend('ref-skewed', 1e-4));
    const mlp = MODELS['mlp']!;
    const on = (backend: string) => modelCases(backend, { mlp }).find((c) => c.preset === 'tiny')!;
    const records = await checkParity(on('ref-copy'));
    expect(records.map((r) => r.tensor)).toContain('loss');
    for (const r of records) expect(r.ratio).toBeLessThanOrEqual(1 / PARITY_K); // error = |ref32 − oracle|, budget >= PARITY_K times that
    await expect(checkParity(on('ref-skewed'))).rejects.toThrow(/mlp\/tiny on ref-skewed: differs from the float64 oracle beyond the derived tolerance \(train mode\): gradient of net\.0\.weight: element \d+: .* exceeds the budget/);
  });
});
