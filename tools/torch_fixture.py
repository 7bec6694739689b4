#!/usr/bin/env python3
"""Forward-value fixture from PyTorch, an oracle independent of our code.

Regenerate (needs Debian's python3-torch; the product never does):
    /usr/bin/python3 tools/torch_fixture.py > suites/fixtures/torch-forward.json
Each case: op name, our attrs, inputs (shape, dtype, flat values) and PyTorch's outputs in float64.
suites/ops/torch-parity.test.ts runs the same cases on ref.
"""
import json
import math
import sys

import torch
import torch.nn.functional as F

torch.manual_seed(0)
g = torch.Generator().manual_seed(1234)


def rnd(shape, lo=-2.0, hi=2.0, avoid=None):
    x = torch.rand(shape, generator=g, dtype=torch.float64) * (hi - lo) + lo
    if avoid is not None:
        x = torch.where((x - avoid).abs() < 0.1, x + 0.25, x)
    return x


def ints(shape, lo, hi):
    return torch.randint(lo, hi, shape, generator=g, dtype=torch.int64)


def enc(t):
    dt = {torch.float64: 'float64', torch.float32: 'float32', torch.int64: 'int32', torch.int32: 'int32', torch.bool: 'bool'}[t.dtype]
    vals = t.reshape(-1).tolist()
    out = []
    for v in vals:
        if isinstance(v, bool):
            out.append(1 if v else 0)
        elif isinstance(v, float) and math.isnan(v):
            out.append('nan')
        elif isinstance(v, float) and math.isinf(v):
            out.append('inf' if v > 0 else '-inf')
        else:
            out.append(v)
    return {'shape': list(t.shape), 'dtype': dt, 'data': out}


cases = []


def case(op, inputs, attrs, fn):
    outs = fn(*inputs)
    if not isinstance(outs, (list, tuple)):
        outs = [outs]
    cases.append({'op': op, 'attrs': attrs, 'inputs': [enc(x) for x in inputs], 'outputs': [enc(o) for o in outs]})


S = (3, 4)
# Unary
simple = {
    'neg': torch.neg, 'exp': torch.exp, 'expm1': torch.expm1, 'sin': torch.sin, 'cos': torch.cos, 'tanh': torch.tanh,
    'sigmoid': torch.sigmoid, 'square': torch.square, 'softsign': F.softsign, 'silu': F.silu, 'mish': F.mish,
    'selu': F.selu, 'hardsigmoid': F.hardsigmoid, 'hardswish': F.hardswish, 'logsigmoid': F.logsigmoid,
}
for name, fn in simple.items():
    case(name, [rnd(S, -4, 4, avoid=0)], {}, fn)
for name, fn in {'abs': torch.abs, 'sign': torch.sign, 'relu': torch.relu}.items():
    case(name, [rnd(S, avoid=0)], {}, fn)
for name, fn in {'log': torch.log, 'sqrt': torch.sqrt, 'rsqrt': torch.rsqrt, 'log1p': torch.log1p}.items():
    case(name, [rnd(S, 0.05, 5)], {}, fn)
case('reciprocal', [rnd(S, 0.2, 3)], {}, torch.reciprocal)
case('gelu', [rnd(S, -4, 4)], {}, F.gelu)
case('gelu', [rnd(S, -4, 4)], {'approximate': 'tanh'}, lambda x: F.gelu(x, approximate='tanh'))
case('leaky_relu', [rnd(S, avoid=0)], {'negativeSlope': 0.2}, lambda x: F.leaky_relu(x, 0.2))
case('elu', [rnd(S, avoid=0)], {'alpha': 1.5}, lambda x: F.elu(x, 1.5))
case('celu', [rnd(S, avoid=0)], {'alpha': 0.7}, lambda x: F.celu(x, 0.7))
case('softplus', [rnd(S, -30, 30)], {'beta': 2, 'threshold': 15}, lambda x: F.softplus(x, 2, 15))
case('softplus', [rnd(S, -4, 4)], {}, F.softplus)
case('hardtanh', [rnd(S, avoid=0.5)], {'minVal': -0.5, 'maxVal': 0.5}, lambda x: F.hardtanh(x, -0.5, 0.5))
# Binary and comparisons
A, B = (2, 1, 4), (3, 1)
for name, fn in {'add': torch.add, 'sub': torch.sub, 'mul': torch.mul, 'maximum': torch.maximum, 'minimum': torch.minimum}.items():
    case(name, [rnd(A), rnd(B)], {}, fn)
case('div', [rnd(A), rnd(B, 0.3, 2)], {}, torch.div)
case('pow', [rnd(A, 0.2, 3), rnd(B)], {}, torch.pow)
for name, fn in {'eq': torch.eq, 'ne': torch.ne, 'lt': torch.lt, 'le': torch.le, 'gt': torch.gt, 'ge': torch.ge}.items():
    a = ints(A, 0, 3).double(); b = ints(B, 0, 3).double()
    case(name, [a, b], {}, fn)
case('where', [rnd(A) > 0, rnd(B), rnd((4,))], {}, torch.where)
case('clamp', [rnd(S)], {'min': -0.5, 'max': 1.0}, lambda x: torch.clamp(x, -0.5, 1.0))
case('clamp', [rnd(S)], {'min': 0.3}, lambda x: torch.clamp(x, min=0.3))
# Reductions
X = rnd((2, 3, 4))
def multi(fn, dims, keep):
    def go(x):
        for d in sorted(dims, reverse=True):
            x = fn(x, d, keepdim=keep)
        return x
    return go


case('sum', [X], {'axes': [0, 2], 'keepdims': True}, lambda x: torch.sum(x, dim=(0, 2), keepdim=True))
case('mean', [X], {'axes': [0, 2], 'keepdims': True}, lambda x: torch.mean(x, dim=(0, 2), keepdim=True))
case('prod', [X], {'axes': [0, 2], 'keepdims': True}, multi(torch.prod, [0, 2], True))
case('logsumexp', [X], {'axes': [0, 2], 'keepdims': True}, lambda x: torch.logsumexp(x, dim=(0, 2), keepdim=True))
case('sum', [X], {}, lambda x: torch.sum(x))
case('mean', [X], {'axes': -1}, lambda x: torch.mean(x, -1))
case('prod', [X], {'axes': -1}, lambda x: torch.prod(x, -1))
case('prod', [X], {}, lambda x: torch.prod(x))
case('logsumexp', [X], {'axes': -1}, lambda x: torch.logsumexp(x, -1))
case('max', [X], {'axes': [1]}, lambda x: torch.amax(x, dim=1))
case('min', [X], {'axes': [0, 1], 'keepdims': True}, lambda x: torch.amin(x, dim=(0, 1), keepdim=True))
case('var', [X], {'axes': [1, 2]}, lambda x: torch.var(x, dim=(1, 2)))
case('var', [X], {'axes': 0, 'correction': 0}, lambda x: torch.var(x, dim=0, unbiased=False))
case('std', [X], {'axes': -1, 'keepdims': True}, lambda x: torch.std(x, dim=-1, keepdim=True))
case('argmax', [X], {'axis': 1}, lambda x: torch.argmax(x, dim=1).int())
case('argmin', [X], {}, lambda x: torch.argmin(x).int())
case('argmax', [X], {'axis': -1, 'keepdims': True}, lambda x: torch.argmax(x, dim=-1, keepdim=True).int())
case('cumsum', [X], {'axis': 1}, lambda x: torch.cumsum(x, 1))
case('cumsum', [X], {'axis': -1, 'reverse': True}, lambda x: torch.flip(torch.cumsum(torch.flip(x, [-1]), -1), [-1]))
case('softmax', [X * 5], {'axis': 1}, lambda x: torch.softmax(x, 1))
case('log_softmax', [X * 5], {}, lambda x: torch.log_softmax(x, -1))
big = torch.tensor([[1e4, -1e4, 0.0], [1e4, 1e4 - 1, -1e4]], dtype=torch.float64)
case('softmax', [big], {}, lambda x: torch.softmax(x, -1))
case('log_softmax', [big], {'axis': -1}, lambda x: torch.log_softmax(x, -1))
case('logsumexp', [big], {'axes': 1}, lambda x: torch.logsumexp(x, 1))
# Movement
case('reshape', [X], {'shape': [4, -1]}, lambda x: x.reshape(4, -1))
case('permute', [X], {'dims': [2, 0, 1]}, lambda x: x.permute(2, 0, 1))
case('transpose', [X], {'dim0': 0, 'dim1': -1}, lambda x: x.transpose(0, -1))
case('expand', [rnd((3, 1))], {'shape': [2, 3, 4]}, lambda x: x.expand(2, 3, 4))
case('squeeze', [rnd((1, 3, 1, 2))], {}, lambda x: x.squeeze())
case('squeeze', [rnd((1, 3, 1, 2))], {'axes': [2]}, lambda x: x.squeeze(2))
case('unsqueeze', [X], {'axis': -1}, lambda x: x.unsqueeze(-1))
case('slice', [rnd((5, 6))], {'starts': [1, -5], 'ends': [5, 100], 'steps': [2, 3]}, lambda x: x[1:5:2, -5:100:3])
case('slice', [X], {'axes': [2], 'starts': [-3], 'ends': [-1]}, lambda x: x[:, :, -3:-1])
case('slice_scatter', [rnd((5, 6)), rnd((2, 2))], {'starts': [1, 1], 'ends': [5, 6], 'steps': [2, 3]},
     lambda x, s: torch.slice_scatter(torch.slice_scatter(x, torch.slice_scatter(x[1:5:2], s, 1, 1, 6, 3), 0, 1, 5, 2), torch.slice_scatter(x[1:5:2], s, 1, 1, 6, 3), 0, 1, 5, 2))
case('pad', [X], {'pads': [1, 2, 0, 1], 'value': 0.5}, lambda x: F.pad(x, (1, 2, 0, 1), value=0.5))
case('pad', [X], {'pads': [-1, 1]}, lambda x: F.pad(x, (-1, 1)))
case('pad', [rnd((1, 2, 3, 4))], {'pads': [2, 1, 1, 2], 'mode': 'reflect'}, lambda x: F.pad(x, (2, 1, 1, 2), mode='reflect'))
case('concat', [rnd((2, 3)), rnd((2, 1)), rnd((2, 2))], {'axis': 1}, lambda *xs: torch.cat(xs, 1))
case('stack', [rnd((2, 3)), rnd((2, 3))], {'axis': -1}, lambda *xs: torch.stack(xs, -1))
case('split', [rnd((7, 2))], {'axis': 0, 'sizes': 3}, lambda x: torch.split(x, 3, 0))
case('split', [rnd((2, 6))], {'axis': -1, 'sizes': [1, 4, 1]}, lambda x: torch.split(x, [1, 4, 1], -1))
xg = rnd((3, 4)); ig = ints((3, 2), 0, 4)
case('gather', [xg, ig], {'axis': 1}, lambda x, i: torch.gather(x, 1, i))
case('index_select', [xg, ints((5,), 0, 3)], {'axis': 0}, lambda x, i: torch.index_select(x, 0, i))
xs_ = rnd((3, 5)); src = rnd((2, 5)); isc = ints((2, 5), 0, 3)
case('scatter_add', [xs_, isc, src], {'axis': 0}, lambda x, i, s: x.scatter_add(0, i, s))
case('one_hot', [ints((2, 3), 0, 4)], {'numClasses': 5}, lambda i: F.one_hot(i, 5).double())
case('tril', [rnd((2, 3, 4))], {'k': 1}, lambda x: torch.tril(x, 1))
case('triu', [rnd((4, 3))], {'k': -1}, lambda x: torch.triu(x, -1))
case('flip', [X], {'axes': [0, 2]}, lambda x: torch.flip(x, [0, 2]))
# Linear algebra
case('matmul', [rnd((2, 1, 3, 4)), rnd((3, 4, 5))], {}, torch.matmul)
case('matmul', [rnd((4, 3)), rnd((5, 4))], {'transA': True, 'transB': True}, lambda a, b: a.T @ b.T)
case('cast', [rnd(S, -3, 3)], {'dtype': 'int32'}, lambda x: x.int())
case('cast', [rnd(S, -1, 1)], {'dtype': 'bool'}, lambda x: x != 0)

json.dump({'torch': torch.__version__, 'cases': cases}, sys.stdout, separators=(',', ':'))
sys.stdout.write('\n')
