import { test } from 'vitest';
import { Generator } from '../../engine/index.js';
import gpt from '../../zoo/gpt/index.js';
import { train } from '../harness/trainer.js';
import { decodeTokens, encodeText, type NamesCorpus } from '../../zoo/data/names.js';

test('acceptance run', async () => {
  for (const preset of (process.env.GPT_PRESETS ?? 'tiny,small').split(',')) {
    const cfg = gpt.presets[preset]!;
    const steps = Number(process.env.GPT_STEPS ?? 300);
    const run = await train(gpt, cfg, { steps, lr: gpt.trainCheck.lr, seed: 0, evalEvery: 50,
      onEval: (s, l) => console.log(`${preset} step ${s} val ${l.toFixed(4)}`) });
    const H = (run.data as NamesCorpus).unigramEntropy;
    const last = run.losses.slice(-20).reduce((a, b) => a + b) / 20;
    console.log(`${preset}: steps ${run.stepsDone} in ${run.seconds.toFixed(0)} s (${run.rate.toFixed(0)} tokens/s); train loss first ${run.losses[0]!.toFixed(4)} last-20 mean ${last.toFixed(4)}; val ${run.val.at(-1)!.loss.toFixed(4)}; unigram entropy ${H.toFixed(4)} nats`);
    const model = run.model as import('../../zoo/gpt/index.js').GPT;
    const names: string[] = [];
    for (let i = 0; i < 3; i++) names.push(JSON.stringify(decodeTokens(await model.generate(encodeText('\n'), { maxNewTokens: 40, temperature: 0.8, topK: 20, gen: new Generator(i) }))));
    console.log(`${preset} samples: ${names.join(' ')}`);
  }
}, 3_600_000);
