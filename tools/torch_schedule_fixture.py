#!/usr/bin/env python3
"""Learning-rate sequences of torch.optim.lr_scheduler, an oracle independent of our code.

Regenerate (needs Debian's python3-torch; the product never does):
    /usr/bin/python3 tools/torch_schedule_fixture.py > suites/fixtures/schedules.json
Each case: our schedule's name and options (camelCase), the groups' initial lrs, the metric fed
to ReduceLROnPlateau each epoch, and torch's lrs per group for epoch 0 (after construction) and
after every step(). LinearWarmupCosine is torch's SequentialLR([LinearLR, CosineAnnealingLR]),
which it equals up to maxEpochs. suites/nn/optim.test.ts replays each case with our schedules.
"""
import json
import warnings

import torch
from torch.optim import lr_scheduler as S

warnings.filterwarnings('ignore')


def optimizer(lrs):
    return torch.optim.SGD([{'params': [torch.zeros(1, requires_grad=True)], 'lr': lr} for lr in lrs], lr=lrs[0])


def build(kind, o, opt):
    if kind == 'StepLR':
        return S.StepLR(opt, step_size=o['stepSize'], gamma=o['gamma'])
    if kind == 'MultiStepLR':
        return S.MultiStepLR(opt, milestones=o['milestones'], gamma=o['gamma'])
    if kind == 'ExponentialLR':
        return S.ExponentialLR(opt, gamma=o['gamma'])
    if kind == 'CosineAnnealingLR':
        return S.CosineAnnealingLR(opt, T_max=o['tMax'], eta_min=o['etaMin'])
    if kind == 'LinearWarmupCosine':
        w, m = o['warmupEpochs'], o['maxEpochs']
        factor = o['warmupStartLr'] / opt.param_groups[0]['lr']
        warm = S.LinearLR(opt, start_factor=factor, end_factor=1.0, total_iters=w)
        cos = S.CosineAnnealingLR(opt, T_max=m - w, eta_min=o['etaMin'])
        return S.SequentialLR(opt, [warm, cos], milestones=[w])
    if kind == 'ReduceLROnPlateau':
        names = {'mode': 'mode', 'factor': 'factor', 'patience': 'patience', 'threshold': 'threshold',
                 'thresholdMode': 'threshold_mode', 'cooldown': 'cooldown', 'minLr': 'min_lr', 'eps': 'eps'}
        return S.ReduceLROnPlateau(opt, **{names[k]: v for k, v in o.items()})
    raise ValueError(kind)


def case(kind, options, lrs, epochs, metrics=None):
    opt = optimizer(lrs)
    sched = build(kind, options, opt)
    seq = [[g['lr'] for g in opt.param_groups]]
    for e in range(epochs):
        opt.step()
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[e])
        seq.append([g['lr'] for g in opt.param_groups])
    out = {'kind': kind, 'options': options, 'lrs': lrs, 'sequence': seq}
    if metrics is not None:
        out['metrics'] = metrics
    return out


# A loss that improves, plateaus, improves slightly (below and above the threshold), then stalls.
loss = [1.0, 0.8, 0.7, 0.7, 0.7, 0.69995, 0.7, 0.6, 0.6, 0.6, 0.6, 0.6, 0.59, 0.59, 0.59, 0.59, 0.59, 0.59, 0.59, 0.59]
acc = [0.1, 0.2, 0.2, 0.25, 0.25, 0.25, 0.25, 0.3, 0.3, 0.3, 0.3, 0.301, 0.3, 0.3, 0.3, 0.3]

cases = [
    case('StepLR', {'stepSize': 3, 'gamma': 0.5}, [0.1, 0.03], 20),
    case('StepLR', {'stepSize': 1, 'gamma': 0.9}, [1.0], 10),
    case('MultiStepLR', {'milestones': [2, 5, 5, 9], 'gamma': 0.3}, [0.1, 0.5], 14),
    case('ExponentialLR', {'gamma': 0.9}, [0.1, 0.02], 25),
    case('CosineAnnealingLR', {'tMax': 7, 'etaMin': 0.001}, [0.1, 0.05], 30),
    case('CosineAnnealingLR', {'tMax': 10, 'etaMin': 0.0}, [0.5], 25),
    case('CosineAnnealingLR', {'tMax': 1, 'etaMin': 0.01}, [0.1], 6),
    case('LinearWarmupCosine', {'warmupEpochs': 5, 'maxEpochs': 15, 'warmupStartLr': 0.01, 'etaMin': 0.001}, [0.1], 15),
    case('LinearWarmupCosine', {'warmupEpochs': 1, 'maxEpochs': 8, 'warmupStartLr': 0.02, 'etaMin': 0.0}, [0.2], 8),
    case('ReduceLROnPlateau', {'mode': 'min', 'factor': 0.5, 'patience': 2, 'threshold': 1e-4, 'thresholdMode': 'rel',
                               'cooldown': 1, 'minLr': [0.01, 0.0], 'eps': 1e-8}, [0.1, 0.2], len(loss), loss),
    case('ReduceLROnPlateau', {'mode': 'min', 'factor': 0.1, 'patience': 0, 'threshold': 0.05, 'thresholdMode': 'abs',
                               'cooldown': 0, 'minLr': 1e-4, 'eps': 1e-8}, [0.1], len(loss), loss),
    case('ReduceLROnPlateau', {'mode': 'max', 'factor': 0.5, 'patience': 1, 'threshold': 0.01, 'thresholdMode': 'rel',
                               'cooldown': 2, 'minLr': 0.0, 'eps': 1e-8}, [0.4], len(acc), acc),
    case('ReduceLROnPlateau', {'mode': 'max', 'factor': 0.9, 'patience': 0, 'threshold': 0.0, 'thresholdMode': 'abs',
                               'cooldown': 0, 'minLr': 0.0, 'eps': 0.02}, [0.1], len(acc), acc),
]

print(json.dumps({'torch': torch.__version__, 'cases': cases}, indent=1))
