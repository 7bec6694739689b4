#!/usr/bin/env python3
"""Loss fixture from PyTorch: every loss and reduction, values and gradients (float64).

Regenerate (needs Debian's python3-torch; the product never does):
    /usr/bin/python3 tools/torch_loss_fixture.py > suites/fixtures/losses.json
Each case: our function name, positional tensor args, our camelCase options (tensors encoded), torch's
output and the gradient of output.sum() w.r.t. each float positional arg (null when not compared).
An 'adaptive' section holds AdaptiveLogSoftmaxWithLoss modules with their weights, inputs and outputs.
suites/nn/losses.test.ts runs the same cases on ref.
"""
import json
import math
import sys
import warnings

import torch
import torch.nn.functional as F

warnings.filterwarnings('ignore')
g = torch.Generator().manual_seed(4321)
torch.manual_seed(0)


def rnd(shape, lo=-2.0, hi=2.0):
    return torch.rand(shape, generator=g, dtype=torch.float64) * (hi - lo) + lo


def ints(shape, lo, hi):
    return torch.randint(lo, hi, shape, generator=g, dtype=torch.int64)


def signs(shape):
    return ints(shape, 0, 2).double() * 2 - 1


def enc(t):
    dt = {torch.float64: 'float64', torch.int64: 'int32', torch.bool: 'bool'}[t.dtype]
    out = []
    for v in t.reshape(-1).tolist():
        if isinstance(v, float) and math.isnan(v):
            out.append('nan')
        elif isinstance(v, float) and math.isinf(v):
            out.append('inf' if v > 0 else '-inf')
        else:
            out.append(v)
    return {'shape': list(t.shape), 'dtype': dt, 'data': out}


cases = []


def enc_grad(gr, x):
    """torch's None (no dependence) is a zero gradient."""
    return enc(torch.zeros_like(x) if gr is None else gr)

REDUCTIONS = ['none', 'mean', 'sum']


def case(name, args, opts, fn, torch_kw, grads=True, reductions=REDUCTIONS, wrt=None):
    """fn(*args, reduction=..., **torch_kw); opts are ours (camelCase), tensors allowed; wrt: args to differentiate."""
    for red in reductions:
        xs = [a.clone().requires_grad_(grads and a.dtype == torch.float64 and (wrt is None or i in wrt)) for i, a in enumerate(args)]
        out = fn(*xs, reduction=red, **torch_kw)
        gs = [None] * len(xs)
        if grads:
            got = torch.autograd.grad(out.sum(), [x for x in xs if x.requires_grad], allow_unused=True)
            it = iter(got)
            gs = [enc_grad(next(it), x) if x.requires_grad else None for x in xs]
        enc_opts = {k: (enc(v) if torch.is_tensor(v) else v) for k, v in opts.items()}
        enc_opts['reduction'] = red
        cases.append({'fn': name, 'args': [enc(a) for a in args], 'opts': enc_opts,
                      'output': enc(out.detach()), 'grads': gs})


N, C = 4, 5
# Regression
x, y = rnd((3, 4)), rnd((3, 4))
case('mseLoss', [x, y], {}, F.mse_loss, {})
case('l1Loss', [x, y], {}, F.l1_loss, {})
for beta in [1.0, 0.5, 0.0]:
    case('smoothL1Loss', [x, y], {'beta': beta}, F.smooth_l1_loss, {'beta': beta})
for delta in [1.0, 0.7, 2.5]:
    case('huberLoss', [x, y], {'delta': delta}, F.huber_loss, {'delta': delta})
counts = torch.tensor([[0., 1., 2., 5.], [3., 0.5, 7., 1.5], [0., 4., 1., 2.]], dtype=torch.float64)
case('poissonNllLoss', [rnd((3, 4), -1, 1), counts], {}, F.poisson_nll_loss, {})
case('poissonNllLoss', [rnd((3, 4), -1, 1), counts], {'full': True}, F.poisson_nll_loss, {'full': True})
case('poissonNllLoss', [rnd((3, 4), 0.1, 3), counts], {'logInput': False, 'eps': 1e-3}, F.poisson_nll_loss, {'log_input': False, 'eps': 1e-3})
case('poissonNllLoss', [rnd((3, 4), 0.1, 3), counts], {'logInput': False, 'full': True}, F.poisson_nll_loss, {'log_input': False, 'full': True})
mu, tg = rnd((N, 3)), rnd((N, 3))
var_h = rnd((N, 3), 0.2, 2.0)
var_h[0, 1] = 1e-9  # below eps: clamped, gradient passes straight through (torch's no_grad clamp)
case('gaussianNllLoss', [mu, tg, var_h], {}, F.gaussian_nll_loss, {})
case('gaussianNllLoss', [mu, tg, var_h], {'full': True, 'eps': 1e-3}, F.gaussian_nll_loss, {'full': True, 'eps': 1e-3})
case('gaussianNllLoss', [mu, tg, rnd((N,), 0.2, 2.0)], {}, F.gaussian_nll_loss, {})
case('gaussianNllLoss', [mu, tg, rnd((N, 1), 0.2, 2.0)], {}, F.gaussian_nll_loss, {})

# Classification
logits = rnd((N, C), -3, 3)
tgt = torch.tensor([1, 0, 4, 2])
w = rnd((C,), 0.2, 2.0)
logp = torch.log_softmax(logits, 1)
case('nllLoss', [logp, tgt], {}, F.nll_loss, {})
case('nllLoss', [logp, tgt], {'weight': w}, F.nll_loss, {'weight': w})
case('nllLoss', [logp, tgt], {'weight': w, 'ignoreIndex': 4}, F.nll_loss, {'weight': w, 'ignore_index': 4})
case('nllLoss', [rnd((2, 3, 4)), ints((2, 4), 0, 3)], {}, F.nll_loss, {})
case('nllLoss', [rnd((C,)), torch.tensor(3)], {'weight': w}, F.nll_loss, {'weight': w})
case('crossEntropy', [logits, tgt], {}, F.cross_entropy, {})
case('crossEntropy', [logits, tgt], {'weight': w, 'ignoreIndex': 0}, F.cross_entropy, {'weight': w, 'ignore_index': 0})
case('crossEntropy', [logits, tgt], {'labelSmoothing': 0.1}, F.cross_entropy, {'label_smoothing': 0.1})
case('crossEntropy', [logits, tgt], {'weight': w, 'ignoreIndex': 2, 'labelSmoothing': 0.25},
     F.cross_entropy, {'weight': w, 'ignore_index': 2, 'label_smoothing': 0.25})
case('crossEntropy', [rnd((2, 3, 2, 2)), ints((2, 2, 2), 0, 3)], {'labelSmoothing': 0.2}, F.cross_entropy, {'label_smoothing': 0.2})
case('crossEntropy', [rnd((C,)), torch.tensor(2)], {}, F.cross_entropy, {})
probs = torch.softmax(rnd((N, C)), 1)
case('crossEntropy', [logits, probs], {}, F.cross_entropy, {})
case('crossEntropy', [logits, probs], {'weight': w, 'labelSmoothing': 0.3}, F.cross_entropy, {'weight': w, 'label_smoothing': 0.3})
case('crossEntropy', [rnd((2, 3, 4)), torch.softmax(rnd((2, 3, 4)), 1)], {}, F.cross_entropy, {})
case('crossEntropy', [torch.tensor([[1e4, -1e4, 0.], [-1e4, 1e4, 3.]], dtype=torch.float64), torch.tensor([1, 1])], {}, F.cross_entropy, {})
q = torch.softmax(rnd((N, C)), 1)
q[0, 2] = 0.0
q[0] = q[0] / q[0].sum()
for red in ['none', 'mean', 'sum', 'batchmean']:
    case('klDiv', [logp, q], {}, F.kl_div, {}, reductions=[red])
    case('klDiv', [logp, torch.log_softmax(rnd((N, C)), 1)], {'logTarget': True}, F.kl_div, {'log_target': True}, reductions=[red])

# Binary / multi-label
p_in = rnd((N, 3), 0.02, 0.98)
p_tg = rnd((N, 3), 0.0, 1.0)
case('binaryCrossEntropy', [p_in, p_tg], {}, F.binary_cross_entropy, {})
wb = rnd((3,), 0.5, 1.5)
case('binaryCrossEntropy', [p_in, p_tg], {'weight': wb}, F.binary_cross_entropy, {'weight': wb})
# Exact 0 and 1 probabilities: the log clamp at -100 (values only; torch's backward clamps differently).
case('binaryCrossEntropy', [torch.tensor([0., 1., 0., 1., 0.5], dtype=torch.float64), torch.tensor([0., 1., 1., 0., 0.3], dtype=torch.float64)], {},
     F.binary_cross_entropy, {}, grads=False)
z = rnd((N, 3), -4, 4)
case('bceWithLogits', [z, p_tg], {}, F.binary_cross_entropy_with_logits, {})
pw = rnd((3,), 0.5, 3.0)
case('bceWithLogits', [z, p_tg], {'weight': wb, 'posWeight': pw}, F.binary_cross_entropy_with_logits, {'weight': wb, 'pos_weight': pw})
case('bceWithLogits', [torch.tensor([1e4, -1e4, 1e4, -1e4, 0.], dtype=torch.float64), torch.tensor([0., 1., 1., 0., 0.5], dtype=torch.float64)], {},
     F.binary_cross_entropy_with_logits, {})
case('softMarginLoss', [z, signs((N, 3))], {}, F.soft_margin_loss, {}, wrt=[0])
case('multilabelSoftMarginLoss', [z, ints((N, 3), 0, 2).double()], {}, F.multilabel_soft_margin_loss, {})
case('multilabelSoftMarginLoss', [z, p_tg], {'weight': wb}, F.multilabel_soft_margin_loss, {'weight': wb})

# Ranking / embedding
case('hingeEmbeddingLoss', [rnd((3, 4), 0, 2), signs((3, 4))], {}, F.hinge_embedding_loss, {}, wrt=[0])
case('hingeEmbeddingLoss', [rnd((3, 4), 0, 2), signs((3, 4))], {'margin': 0.5}, F.hinge_embedding_loss, {'margin': 0.5}, wrt=[0])
a1, a2 = rnd((6,)), rnd((6,))
case('marginRankingLoss', [a1, a2, signs((6,))], {}, F.margin_ranking_loss, {})
case('marginRankingLoss', [a1, a2, signs((6,))], {'margin': 0.3}, F.margin_ranking_loss, {'margin': 0.3})
an, po, ne = rnd((N, 3)), rnd((N, 3)), rnd((N, 3))
case('tripletMarginLoss', [an, po, ne], {}, F.triplet_margin_loss, {})
case('tripletMarginLoss', [an, po, ne], {'margin': 2.0, 'p': 1}, F.triplet_margin_loss, {'margin': 2.0, 'p': 1})
case('tripletMarginLoss', [an, po, ne], {'margin': 1.5, 'p': 3, 'swap': True, 'eps': 1e-4},
     F.triplet_margin_loss, {'margin': 1.5, 'p': 3, 'swap': True, 'eps': 1e-4})
case('tripletMarginLoss', [an[0], po[0], ne[0]], {'margin': 3.0}, F.triplet_margin_loss, {'margin': 3.0})
e1, e2 = rnd((N, 3)), rnd((N, 3))
case('cosineEmbeddingLoss', [e1, e2, signs((N,))], {}, F.cosine_embedding_loss, {}, wrt=[0, 1])
case('cosineEmbeddingLoss', [e1, e2, torch.tensor([-1., -1., 1., -1.], dtype=torch.float64)], {'margin': -0.2}, F.cosine_embedding_loss, {'margin': -0.2}, wrt=[0, 1])
case('cosineEmbeddingLoss', [e1[0], e2[0], torch.tensor(-1., dtype=torch.float64)], {'margin': -0.5}, F.cosine_embedding_loss, {'margin': -0.5}, wrt=[0, 1])

# Adaptive log-softmax with loss
adaptive = []


def adaptive_case(in_features, n_classes, cutoffs, div_value, head_bias, batch, target):
    m = torch.nn.AdaptiveLogSoftmaxWithLoss(in_features, n_classes, cutoffs, div_value=div_value, head_bias=head_bias).double()
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(rnd(p.shape, -0.8, 0.8))
    x = rnd((batch, in_features)).requires_grad_(True)
    res = m(x, target)
    gx, = torch.autograd.grad(res.loss, [x])
    adaptive.append({
        'inFeatures': in_features, 'nClasses': n_classes, 'cutoffs': cutoffs, 'divValue': div_value, 'headBias': head_bias,
        'state': {k: enc(v.detach()) for k, v in m.state_dict().items()},
        'input': enc(x.detach()), 'target': enc(target),
        'output': enc(res.output.detach()), 'loss': enc(res.loss.detach()), 'inputGrad': enc(gx),
        'logProb': enc(m.log_prob(x).detach()), 'predict': enc(m.predict(x.detach())),
    })


adaptive_case(8, 10, [3, 6], 2.0, False, 6, torch.tensor([0, 4, 9, 2, 7, 5]))
adaptive_case(16, 20, [4, 10, 15], 4.0, True, 5, torch.tensor([19, 3, 12, 10, 0]))

json.dump({'torch': torch.__version__, 'cases': cases, 'adaptive': adaptive}, sys.stdout, separators=(',', ':'))
sys.stdout.write('\n')
