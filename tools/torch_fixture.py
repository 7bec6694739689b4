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

# --- norms ---
xn = rnd((2, 3, 4))
wn, bn = rnd((3, 4)), rnd((3, 4))
case('layer_norm', [xn, wn, bn], {'normalizedShape': [3, 4]}, lambda x, w, b: F.layer_norm(x, [3, 4], w, b, 1e-5))
case('layer_norm', [xn], {'normalizedShape': [4], 'eps': 0.1}, lambda x: F.layer_norm(x, [4], eps=0.1))
case('layer_norm', [xn, rnd((4,))], {'normalizedShape': [4]}, lambda x, w: F.layer_norm(x, [4], w))
# torch 1.13 has no F.rms_norm: its definition, y = x / sqrt(mean(x^2) + eps) * w (eps default finfo(dtype).eps).
def rms(x, k, w=None, eps=None):
    e = torch.finfo(x.dtype).eps if eps is None else eps
    y = x * torch.rsqrt(x.pow(2).mean(dim=tuple(range(-k, 0)), keepdim=True) + e)
    return y if w is None else y * w
case('rms_norm', [xn, rnd((4,))], {'normalizedShape': [4], 'eps': 1e-6}, lambda x, w: rms(x, 1, w, 1e-6))
case('rms_norm', [xn], {'normalizedShape': [3, 4]}, lambda x: rms(x, 2))
xb = rnd((4, 3, 2, 2))
wc, bc, mc, vc = rnd((3,)), rnd((3,)), rnd((3,)), rnd((3,), 0.25, 3)
case('batch_norm', [xb, wc, bc], {'training': True}, lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True))
case('batch_norm', [xb, mc, vc], {'training': True, 'runningStats': True, 'eps': 0.1},
     lambda x, m, v: F.batch_norm(x, m.clone(), v.clone(), training=True, eps=0.1))
case('batch_norm', [rnd((4, 3, 5)), mc, vc, wc, bc], {'training': False, 'runningStats': True},
     lambda x, m, v, w, b: F.batch_norm(x, m, v, w, b, training=False))
case('batch_norm', [rnd((5, 3)), mc, vc, wc], {'training': False, 'runningStats': True, 'eps': 0.01},
     lambda x, m, v, w: F.batch_norm(x, m, v, w, None, training=False, eps=0.01))
xg6 = rnd((2, 6, 3, 2))
case('group_norm', [xg6, rnd((6,)), rnd((6,))], {'numGroups': 3}, lambda x, w, b: F.group_norm(x, 3, w, b))
case('group_norm', [xg6], {'numGroups': 2, 'eps': 0.1}, lambda x: F.group_norm(x, 2, eps=0.1))
case('group_norm', [rnd((3, 4))], {'numGroups': 4}, lambda x: F.group_norm(x, 4))
xi = rnd((2, 3, 4, 4))
case('instance_norm', [xi, wc, bc], {}, lambda x, w, b: F.instance_norm(x, weight=w, bias=b))
case('instance_norm', [rnd((2, 3, 5))], {'eps': 0.1}, lambda x: F.instance_norm(x, eps=0.1))
we = rnd((5, 4))
case('embedding', [ints((2, 3), 0, 5), we], {'paddingIdx': 1}, lambda i, w: F.embedding(i, w, padding_idx=1))
case('embedding', [ints((7,), 0, 5), we], {}, lambda i, w: F.embedding(i, w))

# --- attention ---
# torch 1.13 has no F.scaled_dot_product_attention: softmax(scale·q kᵀ + bias) v is computed here with
# kv heads expanded by repeat_interleave. The op's inputs are q, k, v, an additive bias, a bool mask
# and a bool key padding mask (absent ones are the 0-d placeholders the user function builds).
# causal is bottom-right aligned (query i sits at Tk - Tq + i); a row whose scores are all -inf after
# masking gives 0, as torch >= 2.5's math path does with its _safe_softmax.
def sdpa_ref(q, k, v, bias, mask, pad, causal=False, scale=None):
    B, H, Tq, D = q.shape
    Tk = k.shape[2]
    G = H // k.shape[1]
    ke, ve = k.repeat_interleave(G, dim=1), v.repeat_interleave(G, dim=1)
    s = (q @ ke.transpose(-1, -2)) * (scale if scale is not None else 1 / math.sqrt(D)) + bias
    padded = pad.reshape(pad.shape[0], 1, 1, pad.shape[1]) if pad.dim() == 2 else pad
    keep = (mask & ~padded).expand(B, H, Tq, Tk)
    if causal:
        keep = keep & torch.ones(Tq, Tk, dtype=torch.bool).tril(Tk - Tq)
    masked = s.masked_fill(~keep, float('-inf'))
    p = torch.softmax(masked, -1)
    p = torch.where(masked.isneginf().all(-1, keepdim=True), torch.zeros((), dtype=torch.float64), p)
    return p @ ve


def sdpa_case(q, k, v, bias=None, mask=None, pad=None, **attrs):
    bias = torch.zeros((), dtype=torch.float64) if bias is None else bias
    mask = torch.ones((), dtype=torch.bool) if mask is None else mask
    pad = torch.zeros((), dtype=torch.bool) if pad is None else pad
    fn = lambda *xs: sdpa_ref(*xs, causal=attrs.get('causal', False), scale=attrs.get('scale'))
    case('scaled_dot_product_attention', [q, k, v, bias, mask, pad], attrs, fn)


# MHA, causal with Tq < Tk and an additive mask broadcast over the batch.
sdpa_case(rnd((2, 4, 3, 5)), rnd((2, 4, 5, 5)), rnd((2, 4, 5, 5)), bias=rnd((1, 4, 3, 5)), causal=True)
# GQA (4 query heads on 2 kv heads), bool mask, key padding, Dv != D, explicit scale.
sdpa_case(rnd((2, 4, 3, 4)), rnd((2, 2, 6, 4)), rnd((2, 2, 6, 3)), mask=rnd((2, 1, 3, 6)) > -1.2, pad=rnd((2, 6)) > 1.2, scale=0.3)
# MQA, causal with Tq > Tk: the first two queries see no key and give 0.
sdpa_case(rnd((1, 3, 4, 2)), rnd((1, 1, 2, 2)), rnd((1, 1, 2, 2)), causal=True)
# A row whose keys all carry additive -inf is 0 (_safe_softmax).
ninf = float('-inf')
sdpa_case(rnd((1, 1, 2, 3)), rnd((1, 1, 3, 3)), rnd((1, 1, 3, 2)), bias=torch.tensor([[ninf, ninf, ninf], [0.0, ninf, 1.0]], dtype=torch.float64))


# RoPE by its formula (spec §4.4): pair i of token t turned by (offset + t)·base^(−2i/d).
def rope_ref(x, base=10000.0, offset=0, interleaved=True, rotaryDim=None, inverse=False):
    T, D = x.shape[-2], x.shape[-1]
    d = D if rotaryDim is None else rotaryDim
    sign = -1.0 if inverse else 1.0
    pos = torch.arange(T, dtype=torch.float64) + offset
    y = x.clone()
    for i in range(d // 2):
        ang = sign * pos * base ** (-2.0 * i / d)
        ia, ib = (2 * i, 2 * i + 1) if interleaved else (i, i + d // 2)
        a, b = x[..., ia], x[..., ib]
        y[..., ia] = a * torch.cos(ang) - b * torch.sin(ang)
        y[..., ib] = a * torch.sin(ang) + b * torch.cos(ang)
    return y


case('rope', [rnd((2, 3, 5, 8))], {'offset': 3}, lambda x: rope_ref(x, offset=3))
case('rope', [rnd((3, 6))], {'interleaved': False, 'rotaryDim': 4}, lambda x: rope_ref(x, interleaved=False, rotaryDim=4))
case('rope', [rnd((2, 4, 6))], {'base': 100, 'inverse': True, 'offset': 1}, lambda x: rope_ref(x, base=100.0, inverse=True, offset=1))


# Segment ops with index_add_ / scatter_reduce (torch_scatter semantics: empty segments are 0).
def seg_sum(x, ids, n):
    return torch.zeros((n,) + tuple(x.shape[1:]), dtype=x.dtype).index_add_(0, ids, x)


def seg_mean(x, ids, n):
    count = torch.zeros(n, dtype=x.dtype).index_add_(0, ids, torch.ones(len(ids), dtype=x.dtype))
    return seg_sum(x, ids, n) / count.clamp(min=1).reshape((n,) + (1,) * (x.dim() - 1))


def seg_max(x, ids, n):
    idx = ids.reshape((-1,) + (1,) * (x.dim() - 1)).expand_as(x)
    return torch.zeros((n,) + tuple(x.shape[1:]), dtype=x.dtype).scatter_reduce(0, idx, x, 'amax', include_self=False)


def seg_softmax(x, ids, n):
    e = (x - seg_max(x, ids, n)[ids]).exp()
    return e / seg_sum(e, ids, n)[ids]


xseg, iseg = rnd((7, 2, 3)), torch.tensor([4, 0, 4, 2, 0, 0, 4])  # segments 1 and 3 of 5 are empty
for name, fn in {'segment_sum': seg_sum, 'segment_mean': seg_mean, 'segment_max': seg_max, 'segment_softmax': seg_softmax}.items():
    case(name, [xseg, iseg], {'numSegments': 5}, lambda x, i, fn=fn: fn(x, i, 5))
case('segment_softmax', [rnd((6,), -30, 30), ints((6,), 0, 3)], {'numSegments': 3}, lambda x, i: seg_softmax(x, i, 3))
case('segment_sum', [ints((5,), -3, 4), ints((5,), 0, 2)], {'numSegments': 2}, lambda x, i: seg_sum(x, i, 2))

# --- conv, pooling, resampling ---
# Convolutions with groups (depthwise too), stride, padding ('same' with even kernels is asymmetric),
# dilation; conv_transpose2d with output_padding (also >= stride when below dilation); unfold/fold;
# pools with ceil_mode, padding, dilation, count_include_pad, divisor_override; adaptive pooling
# and upsampling in both modes (nearest uses torch's float32 legacy index rule).
case('conv1d', [rnd((2, 4, 9)), rnd((6, 2, 3)), rnd((6,))], {'stride': 2, 'padding': 1, 'dilation': 2, 'groups': 2},
     lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1, dilation=2, groups=2))
case('conv1d', [rnd((1, 3, 7)), rnd((3, 1, 4))], {'padding': 'same', 'groups': 3}, lambda x, w: F.conv1d(x, w, padding='same', groups=3))
case('conv1d', [rnd((2, 2, 6)), rnd((3, 2, 2)), rnd((3,))], {'padding': 'valid', 'stride': 3}, lambda x, w, b: F.conv1d(x, w, b, stride=3, padding='valid'))
case('conv2d', [rnd((2, 4, 7, 6)), rnd((6, 2, 3, 2)), rnd((6,))], {'stride': [2, 1], 'padding': [1, 0], 'dilation': [1, 2], 'groups': 2},
     lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=(1, 0), dilation=(1, 2), groups=2))
case('conv2d', [rnd((1, 3, 5, 5)), rnd((6, 1, 3, 3))], {'stride': 2, 'padding': 1, 'groups': 3}, lambda x, w: F.conv2d(x, w, stride=2, padding=1, groups=3))
case('conv2d', [rnd((1, 2, 5, 6)), rnd((3, 2, 2, 4)), rnd((3,))], {'padding': 'same', 'dilation': [2, 1]},
     lambda x, w, b: F.conv2d(x, w, b, padding='same', dilation=(2, 1)))
case('conv2d', [rnd((2, 1, 8, 7)), rnd((2, 1, 3, 3))], {'padding': 'valid', 'stride': 3}, lambda x, w: F.conv2d(x, w, stride=3, padding='valid'))
case('conv_transpose2d', [rnd((2, 4, 3, 4)), rnd((4, 3, 3, 2)), rnd((6,))],
     {'stride': [2, 3], 'padding': [1, 0], 'outputPadding': [1, 2], 'dilation': [1, 2], 'groups': 2},
     lambda x, w, b: F.conv_transpose2d(x, w, b, stride=(2, 3), padding=(1, 0), output_padding=(1, 2), dilation=(1, 2), groups=2))
case('conv_transpose2d', [rnd((1, 2, 3, 3)), rnd((2, 2, 2, 2))], {'dilation': 3, 'outputPadding': 2, 'padding': 1},
     lambda x, w: F.conv_transpose2d(x, w, dilation=3, output_padding=2, padding=1))
case('conv_transpose2d', [rnd((1, 3, 2, 3)), rnd((3, 1, 3, 3)), rnd((3,))], {'stride': 2, 'groups': 3},
     lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, groups=3))
ufa = {'kernelSize': [2, 3], 'dilation': [2, 1], 'padding': [1, 2], 'stride': [2, 1]}
ufk = dict(kernel_size=(2, 3), dilation=(2, 1), padding=(1, 2), stride=(2, 1))
case('unfold', [rnd((2, 3, 5, 6))], ufa, lambda x: F.unfold(x, **ufk))
case('fold', [rnd((2, 18, F.unfold(torch.zeros(1, 1, 5, 6), **ufk).shape[2]))], dict(ufa, outputSize=[5, 6]), lambda c: F.fold(c, (5, 6), **ufk))
case('fold', [rnd((1, 8, 9))], {'outputSize': 4, 'kernelSize': 2, 'padding': 1, 'stride': 2}, lambda c: F.fold(c, 4, 2, padding=1, stride=2))
mp = lambda **kw: (lambda x: F.max_pool2d(x, return_indices=True, **kw))
case('max_pool2d', [rnd((2, 3, 7, 8))], {'kernelSize': 3, 'stride': 2, 'padding': 1, 'ceilMode': True}, mp(kernel_size=3, stride=2, padding=1, ceil_mode=True))
case('max_pool2d', [rnd((1, 2, 6, 7))], {'kernelSize': [2, 3], 'stride': [2, 1], 'dilation': [2, 1], 'padding': [1, 1]},
     mp(kernel_size=(2, 3), stride=(2, 1), dilation=(2, 1), padding=(1, 1)))
case('max_pool2d', [rnd((1, 2, 5, 5))], {'kernelSize': 2, 'ceilMode': True}, mp(kernel_size=2, ceil_mode=True))
xa = rnd((2, 3, 7, 8))
case('avg_pool2d', [xa], {'kernelSize': 3, 'stride': 2, 'padding': 1, 'ceilMode': True}, lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True))
case('avg_pool2d', [xa], {'kernelSize': 3, 'stride': 2, 'padding': 1, 'ceilMode': True, 'countIncludePad': False},
     lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False))
case('avg_pool2d', [xa], {'kernelSize': [2, 3], 'stride': [1, 2], 'padding': [1, 1], 'divisorOverride': 5},
     lambda x: F.avg_pool2d(x, (2, 3), (1, 2), (1, 1), divisor_override=5))
case('avg_pool2d', [rnd((1, 2, 5, 5))], {'kernelSize': 2, 'ceilMode': True, 'countIncludePad': False}, lambda x: F.avg_pool2d(x, 2, ceil_mode=True, count_include_pad=False))
xr = rnd((2, 3, 7, 5))
case('adaptive_avg_pool2d', [xr], {'outputSize': [3, 4]}, lambda x: F.adaptive_avg_pool2d(x, (3, 4)))
case('adaptive_avg_pool2d', [xr], {'outputSize': [10, 2]}, lambda x: F.adaptive_avg_pool2d(x, (10, 2)))
case('adaptive_avg_pool2d', [xr], {'outputSize': 1}, lambda x: F.adaptive_avg_pool2d(x, 1))
xu = rnd((1, 2, 3, 4))
case('upsample', [xu], {'size': [7, 5]}, lambda x: F.interpolate(x, size=(7, 5), mode='nearest'))
case('upsample', [xu], {'scaleFactor': 2}, lambda x: F.interpolate(x, scale_factor=2, mode='nearest'))
case('upsample', [xu], {'scaleFactor': [1.7, 2.5]}, lambda x: F.interpolate(x, scale_factor=(1.7, 2.5), mode='nearest'))
case('upsample', [rnd((1, 1, 5, 9))], {'scaleFactor': 0.6}, lambda x: F.interpolate(x, scale_factor=0.6, mode='nearest'))
case('upsample', [rnd((1, 1, 3, 10))], {'size': [9, 30]}, lambda x: F.interpolate(x, size=(9, 30), mode='nearest'))
# torch's nearest index is computed in float32: these pick a different pixel than exact arithmetic
# (column 33 of 16·2.2: 33/2.2 = 15 exactly, 14.999… in float64; column 41 of 2 → 82: 0, not 1).
case('upsample', [rnd((1, 1, 2, 16))], {'scaleFactor': 2.2}, lambda x: F.interpolate(x, scale_factor=2.2, mode='nearest'))
case('upsample', [rnd((1, 1, 2, 2))], {'size': [3, 82]}, lambda x: F.interpolate(x, size=(3, 82), mode='nearest'))

case('upsample', [xu], {'size': [5, 7], 'mode': 'bilinear'}, lambda x: F.interpolate(x, size=(5, 7), mode='bilinear', align_corners=False))
case('upsample', [xu], {'size': [5, 7], 'mode': 'bilinear', 'alignCorners': True}, lambda x: F.interpolate(x, size=(5, 7), mode='bilinear', align_corners=True))
case('upsample', [rnd((1, 2, 6, 8))], {'scaleFactor': 0.5, 'mode': 'bilinear'}, lambda x: F.interpolate(x, scale_factor=0.5, mode='bilinear'))
case('upsample', [xu], {'scaleFactor': [1.5, 2.5], 'mode': 'bilinear'}, lambda x: F.interpolate(x, scale_factor=(1.5, 2.5), mode='bilinear'))
case('upsample', [xu], {'size': [1, 6], 'mode': 'bilinear', 'alignCorners': True}, lambda x: F.interpolate(x, size=(1, 6), mode='bilinear', align_corners=True))
case('upsample', [xu], {'scaleFactor': 1.5, 'mode': 'bilinear', 'alignCorners': True}, lambda x: F.interpolate(x, scale_factor=1.5, mode='bilinear', align_corners=True))
case('max_pool2d', [rnd((1, 2, 6, 7))], {'kernelSize': [3, 2], 'stride': 2, 'padding': 1, 'dilation': [1, 2], 'ceilMode': True},
     mp(kernel_size=(3, 2), stride=2, padding=1, dilation=(1, 2), ceil_mode=True))

# --- fused norm backward ops: torch has no public function, so torch.autograd of the forward ---
def norm_grads(f, x, dy, params):
    ins = [t.clone().requires_grad_(True) for t in [x] + params]
    return torch.autograd.grad(f(*ins), ins, dy)
xlb, dlb = rnd((2, 3, 4)), rnd((2, 3, 4))
case('layer_norm_backward', [xlb, dlb, rnd((3, 4)), rnd((3, 4))], {'normalizedShape': [3, 4]},
     lambda x, d, w, b: norm_grads(lambda x, w, b: F.layer_norm(x, [3, 4], w, b, 1e-5), x, d, [w, b]))
case('layer_norm_backward', [xlb, dlb], {'normalizedShape': [4], 'eps': 0.1}, lambda x, d: norm_grads(lambda x: F.layer_norm(x, [4], eps=0.1), x, d, []))
case('layer_norm_backward', [xlb, dlb, rnd((4,))], {'normalizedShape': [4], 'biasOnly': True},
     lambda x, d, b: norm_grads(lambda x, b: F.layer_norm(x, [4], None, b), x, d, [b]))
case('rms_norm_backward', [xlb, dlb, rnd((4,))], {'normalizedShape': [4], 'eps': 1e-6}, lambda x, d, w: norm_grads(lambda x, w: rms(x, 1, w, 1e-6), x, d, [w]))
case('rms_norm_backward', [xlb, dlb], {'normalizedShape': [3, 4]}, lambda x, d: norm_grads(lambda x: rms(x, 2), x, d, []))

# linear with its fused epilogue: act(x Wᵀ + b) + residual (added at the end: earlier draws stay put).
xl, wl, bl = rnd((2, 3, 4)), rnd((5, 4)), rnd((5,))
case('linear', [xl, wl, bl], {}, F.linear)
case('linear', [rnd((4,)), rnd((3, 4))], {}, F.linear)
case('linear', [xl, wl, bl], {'activation': 'relu'}, lambda x, w, b: torch.relu(F.linear(x, w, b)))
case('linear', [xl, wl, bl, rnd((2, 3, 5))], {'activation': 'gelu', 'residual': True}, lambda x, w, b, r: F.gelu(F.linear(x, w, b)) + r)
case('linear', [xl, wl], {'activation': 'gelu_tanh'}, lambda x, w: F.gelu(F.linear(x, w), approximate='tanh'))
case('linear', [xl, wl, rnd((2, 3, 5))], {'activation': 'silu', 'residual': True}, lambda x, w, r: F.silu(F.linear(x, w)) + r)

# --- mHC: sinkhorn (paper Eq. 9: exp, then t rounds of column then row normalization), its fused
# backward (torch.autograd through the unrolled rounds) and the HC stream ops as einsums.
# (Added at the end: earlier draws stay put.)
def sinkhorn_ref(L, t=20):
    m = torch.exp(L)
    for _ in range(t):
        m = m / m.sum(-2, keepdim=True)
        m = m / m.sum(-1, keepdim=True)
    return m
def sinkhorn_grad(L, d, t):
    Lg = L.clone().requires_grad_(True)
    return torch.autograd.grad(sinkhorn_ref(Lg, t), Lg, d)
case('sinkhorn', [rnd((2, 4, 4))], {}, sinkhorn_ref)
case('sinkhorn', [rnd((3, 3)) * 4], {'iters': 3}, lambda L: sinkhorn_ref(L, 3))
case('sinkhorn', [rnd((2, 2, 5, 5)) * 8], {'iters': 1}, lambda L: sinkhorn_ref(L, 1))
case('sinkhorn', [torch.where(rnd((4, 4)) > 0, 50.0, -50.0).double()], {'iters': 20}, sinkhorn_ref)
lsk = rnd((2, 4, 4)) * 2
case('sinkhorn_backward', [lsk, rnd((2, 4, 4))], {'iters': 20}, lambda L, d: sinkhorn_grad(L, d, 20))
case('sinkhorn_backward', [rnd((3, 3)), rnd((3, 3))], {'iters': 3}, lambda L, d: sinkhorn_grad(L, d, 3))
case('hc_pre', [rnd((2, 3, 4)), rnd((2, 3, 4, 5))], {}, lambda h, x: torch.einsum('btj,btjc->btc', h, x))
case('hc_pre', [rnd((1,)), rnd((1, 3))], {}, lambda h, x: torch.einsum('j,jc->c', h, x))
case('hc_post_res', [rnd((2, 3, 4, 4)), rnd((2, 3, 4, 5)), rnd((2, 3, 4)), rnd((2, 3, 5))], {},
     lambda r, x, p, y: torch.einsum('btij,btjc->btic', r, x) + p[..., :, None] * y[..., None, :])
case('hc_post_res', [rnd((2, 2)), rnd((2, 6)), rnd((2,)), rnd((6,))], {}, lambda r, x, p, y: r @ x + p[:, None] * y[None, :])

# --- fused optimizer steps: one torch.optim step (single-tensor path) on one parameter from a given
# state; outputs the new parameter and state. (Added at the end: earlier draws stay put.)
def sgd_torch(p, g, buf=None, lr=0.1, **kw):
    x = p.clone().requires_grad_(True)
    opt = torch.optim.SGD([x], lr=lr, foreach=False, **kw)
    if buf is not None:
        opt.state[x]['momentum_buffer'] = buf.clone()
    x.grad = g.clone()
    opt.step()
    return [x.detach()] + ([opt.state[x]['momentum_buffer']] if kw.get('momentum', 0) != 0 else [])
def adam_torch(cls, p, g, m, v, vmax=None, step=1, **kw):
    x = p.clone().requires_grad_(True)
    opt = cls([x], foreach=False, amsgrad=vmax is not None, **kw)
    st = {'step': torch.tensor(float(step - 1)), 'exp_avg': m.clone(), 'exp_avg_sq': v.clone()}
    if vmax is not None:
        st['max_exp_avg_sq'] = vmax.clone()
    opt.state[x] = st
    x.grad = g.clone()
    opt.step()
    s = opt.state[x]
    return [x.detach(), s['exp_avg'], s['exp_avg_sq']] + ([s['max_exp_avg_sq']] if vmax is not None else [])
sgd_a = dict(lr=0.1, momentum=0, dampening=0, weightDecay=0, nesterov=False, maximize=False, first=False)
case('sgd_step', [rnd((3, 4)), rnd((3, 4))], dict(sgd_a, weightDecay=0.05, maximize=True),
     lambda p, g: sgd_torch(p, g, weight_decay=0.05, maximize=True))
case('sgd_step', [rnd((5,)), rnd((5,))], dict(sgd_a, momentum=0.9, nesterov=True, weightDecay=0.01, first=True),
     lambda p, g: sgd_torch(p, g, momentum=0.9, nesterov=True, weight_decay=0.01))
case('sgd_step', [rnd((2, 3)), rnd((2, 3)), rnd((2, 3))], dict(sgd_a, lr=0.05, momentum=0.8, dampening=0.3),
     lambda p, g, b: sgd_torch(p, g, b, lr=0.05, momentum=0.8, dampening=0.3))
adam_a = dict(lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8, weightDecay=0, decoupled=False, amsgrad=False, maximize=False, step=1)
case('adam_step', [rnd((3, 4)), rnd((3, 4)), torch.zeros(3, 4, dtype=torch.float64), torch.zeros(3, 4, dtype=torch.float64)], adam_a,
     lambda p, g, m, v: adam_torch(torch.optim.Adam, p, g, m, v, lr=0.01))
case('adam_step', [rnd((2, 5)), rnd((2, 5)), rnd((2, 5)), rnd((2, 5), 0, 2), rnd((2, 5), 0, 2)],
     dict(adam_a, lr=0.02, beta1=0.8, beta2=0.99, eps=1e-6, weightDecay=0.1, amsgrad=True, maximize=True, step=5),
     lambda p, g, m, v, vm: adam_torch(torch.optim.Adam, p, g, m, v, vm, step=5, lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1, maximize=True))
case('adam_step', [rnd((4,)), rnd((4,)), rnd((4,)), rnd((4,), 0, 2)], dict(adam_a, lr=0.1, weightDecay=0.05, decoupled=True, step=3),
     lambda p, g, m, v: adam_torch(torch.optim.AdamW, p, g, m, v, step=3, lr=0.1, weight_decay=0.05))
case('adam_step', [rnd((2, 3)), rnd((2, 3)), rnd((2, 3)), rnd((2, 3), 0, 2), rnd((2, 3), 0, 2)],
     dict(adam_a, lr=0.003, weightDecay=0.01, decoupled=True, amsgrad=True, step=100),
     lambda p, g, m, v, vm: adam_torch(torch.optim.AdamW, p, g, m, v, vm, step=100, lr=0.003, weight_decay=0.01))

# conv2d_weight_grad: torch.nn.grad.conv2d_weight (the weight gradient of conv2d), dOut shaped as conv2d's output.
for xs, ws, ta in [((2, 4, 7, 6), (6, 2, 3, 2), dict(stride=(2, 1), padding=(1, 0), dilation=(1, 2), groups=2)),
                   ((1, 3, 5, 5), (6, 1, 3, 3), dict(stride=2, padding=1, groups=3)),
                   ((2, 1, 8, 7), (2, 1, 3, 3), dict(stride=3))]:
    dys = F.conv2d(torch.zeros(xs, dtype=torch.float64), torch.zeros(ws, dtype=torch.float64), **ta).shape
    za = {'kernelSize': list(ws[2:]), **{k: list(v) if isinstance(v, tuple) else v for k, v in ta.items()}}
    case('conv2d_weight_grad', [rnd(xs), rnd(tuple(dys))], za,
         lambda x, dy, ws=ws, ta=ta: torch.nn.grad.conv2d_weight(x, ws, dy, **ta))

# --- attention backward: dq, dk, dv, dAttnBias by torch autograd through sdpa_ref ---
def sdpa_bwd_case(q, k, v, dout, bias=None, mask=None, pad=None, **attrs):
    bias = torch.zeros((), dtype=torch.float64) if bias is None else bias
    mask = torch.ones((), dtype=torch.bool) if mask is None else mask
    pad = torch.zeros((), dtype=torch.bool) if pad is None else pad

    def fn(q, k, v, bias, mask, pad, dout):
        leaves = [t.clone().requires_grad_(True) for t in (q, k, v, bias)]
        o = sdpa_ref(*leaves, mask, pad, causal=attrs.get('causal', False), scale=attrs.get('scale'))
        return list(torch.autograd.grad(o, leaves, dout))
    case('scaled_dot_product_attention_backward', [q, k, v, bias, mask, pad, dout], attrs, fn)


# GQA, causal with Tq < Tk, an additive mask broadcast over the batch (its gradient sums dS over b).
sdpa_bwd_case(rnd((2, 4, 3, 4)), rnd((2, 2, 5, 4)), rnd((2, 2, 5, 3)), rnd((2, 4, 3, 3)), bias=rnd((1, 4, 3, 5)), causal=True)
# MHA, bool mask and key padding, explicit scale; the 0-d placeholder bias gets a zero gradient.
sdpa_bwd_case(rnd((1, 2, 4, 3)), rnd((1, 2, 6, 3)), rnd((1, 2, 6, 2)), rnd((1, 2, 4, 2)), mask=rnd((1, 1, 4, 6)) > -1.5, pad=rnd((1, 6)) > 1.5, scale=0.6)

# --- fused backward of the HC stream ops: torch.autograd of the forward einsums (appended: earlier draws stay put).
def vjp_of(f, ins, d):
    leaves = [t.clone().requires_grad_(True) for t in ins]
    return list(torch.autograd.grad(f(*leaves), leaves, d))
hc_pre_f = lambda h, x: torch.einsum('...j,...jc->...c', h, x)
hc_post_f = lambda r, x, p, y: torch.einsum('...ij,...jc->...ic', r, x) + p[..., :, None] * y[..., None, :]
case('hc_pre_backward', [rnd((2, 3, 4)), rnd((2, 3, 4, 5)), rnd((2, 3, 5))], {}, lambda h, x, d: vjp_of(hc_pre_f, [h, x], d))
case('hc_pre_backward', [rnd((1,)), rnd((1, 3)), rnd((3,))], {}, lambda h, x, d: vjp_of(hc_pre_f, [h, x], d))
case('hc_post_res_backward', [rnd((2, 3, 4, 4)), rnd((2, 3, 4, 5)), rnd((2, 3, 4)), rnd((2, 3, 5)), rnd((2, 3, 4, 5))], {},
     lambda r, x, p, y, d: vjp_of(hc_post_f, [r, x, p, y], d))
case('hc_post_res_backward', [rnd((3, 3)), rnd((3, 6)), rnd((3,)), rnd((6,)), rnd((3, 6))], {}, lambda r, x, p, y, d: vjp_of(hc_post_f, [r, x, p, y], d))

json.dump({'torch': torch.__version__, 'cases': cases}, sys.stdout, separators=(',', ':'))
sys.stdout.write('\n')
