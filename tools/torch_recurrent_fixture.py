#!/usr/bin/env python3
"""Forward-value fixture of torch.nn's recurrent layers and cells, an oracle independent of our code.

Regenerate (needs Debian's python3-torch; the product never does):
    /usr/bin/python3 tools/torch_recurrent_fixture.py > suites/fixtures/recurrent.json
Each case: the module kind and its constructor options (our camelCase names), its state dict
(torch's parameter names, float64 values drawn here), the inputs and torch's outputs in float64.
suites/nn/recurrent.test.ts loads the state dict into our module (which checks the names and
shapes) and compares the outputs.
"""
import json

import torch

torch.manual_seed(0)
g = torch.Generator().manual_seed(4321)


def rnd(*shape):
    return torch.rand(shape, generator=g, dtype=torch.float64) * 2 - 1


def enc(t):
    return {'shape': list(t.shape), 'data': t.reshape(-1).tolist()}


def build(kind, opts):
    i, h, bias = opts['inputSize'], opts['hiddenSize'], opts.get('bias', True)
    if kind.endswith('Cell'):
        extra = {'nonlinearity': opts['nonlinearity']} if 'nonlinearity' in opts else {}
        return getattr(torch.nn, kind)(i, h, bias=bias, **extra)
    extra = {'nonlinearity': opts['nonlinearity']} if 'nonlinearity' in opts else {}
    return getattr(torch.nn, kind)(i, h, num_layers=opts.get('numLayers', 1), bias=bias,
                                   batch_first=opts.get('batchFirst', False),
                                   bidirectional=opts.get('bidirectional', False), **extra)


cases = []


def case(kind, opts, x_shape, with_states=True):
    m = build(kind, opts).double()
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(rnd(*p.shape) * 0.8)
    x = rnd(*x_shape)
    lstm = kind.startswith('LSTM')
    inputs = {'x': x}
    if with_states:
        if kind.endswith('Cell'):
            sshape = (x_shape[0], opts['hiddenSize']) if len(x_shape) == 2 else (opts['hiddenSize'],)
        else:
            d = 2 if opts.get('bidirectional') else 1
            lead = (d * opts.get('numLayers', 1),)
            batched = len(x_shape) == 3
            n = (x_shape[0] if opts.get('batchFirst') else x_shape[1],) if batched else ()
            sshape = lead + n + (opts['hiddenSize'],)
        inputs['h0'] = rnd(*sshape)
        if lstm:
            inputs['c0'] = rnd(*sshape)
    with torch.no_grad():
        if kind.endswith('Cell'):
            state = None if not with_states else ((inputs['h0'], inputs['c0']) if lstm else inputs['h0'])
            out = m(x, state)
            outputs = {'h': out[0], 'c': out[1]} if lstm else {'h': out}
        else:
            state = None if not with_states else ((inputs['h0'], inputs['c0']) if lstm else inputs['h0'])
            out, hn = m(x, state)
            outputs = {'output': out, 'h': hn[0], 'c': hn[1]} if lstm else {'output': out, 'h': hn}
    cases.append({
        'kind': kind, 'options': opts,
        'state': {k: enc(v) for k, v in m.state_dict().items()},
        'inputs': {k: enc(v) for k, v in inputs.items()},
        'outputs': {k: enc(v) for k, v in outputs.items()},
    })


case('LSTM', {'inputSize': 3, 'hiddenSize': 4, 'numLayers': 2, 'bidirectional': True, 'batchFirst': True}, (2, 5, 3))
case('LSTM', {'inputSize': 3, 'hiddenSize': 2}, (4, 3), with_states=False)
case('GRU', {'inputSize': 3, 'hiddenSize': 4, 'numLayers': 2, 'bidirectional': True}, (5, 2, 3))
case('GRU', {'inputSize': 2, 'hiddenSize': 3, 'bias': False, 'batchFirst': True}, (3, 4, 2), with_states=False)
case('RNN', {'inputSize': 3, 'hiddenSize': 4, 'numLayers': 2, 'nonlinearity': 'relu', 'bidirectional': True}, (4, 2, 3))
case('RNN', {'inputSize': 3, 'hiddenSize': 2, 'bias': False}, (5, 3))
case('LSTMCell', {'inputSize': 3, 'hiddenSize': 4}, (2, 3))
case('GRUCell', {'inputSize': 3, 'hiddenSize': 4}, (2, 3))
case('RNNCell', {'inputSize': 3, 'hiddenSize': 4, 'nonlinearity': 'relu'}, (3,))

json.dump({'torch': torch.__version__, 'cases': cases}, __import__('sys').stdout, separators=(',', ':'))
