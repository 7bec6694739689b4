#!/usr/bin/env python3
"""safetensors files written by the reference implementation (Hugging Face's `safetensors`
package, with PyTorch), an oracle independent of our reader.

Regenerate (needs python3-torch and the `safetensors` wheel; the product never does):
    python3 tools/safetensors_fixture.py suites/fixtures/safetensors
writes
  dtypes.safetensors  one tensor per dtype zoo reads (F32, F64, I32, BOOL, I64), a scalar, an empty
                      tensor and metadata; values are closed forms that suites/nn/safetensors.test.ts
                      recomputes.
  mlp.safetensors     the state dict of nn.Sequential(Linear(3, 4), ReLU(), BatchNorm1d(4)) after one
                      training step of the batch norm (num_batches_tracked is I64), and
  mlp.json            an input batch and the model's eval-mode output, to compare forward values.
Check a file zoo wrote with the reference reader:
    python3 tools/safetensors_fixture.py --check FILE
"""
import json
import os
import sys

import torch
from safetensors.torch import load_file, save_file


def dtypes(path):
    t = {
        'f32': torch.arange(6, dtype=torch.float32).reshape(2, 3) * 0.5 - 1,  # -1, -0.5, ..., 1.5
        'f64': 1 / torch.arange(1, 5, dtype=torch.float64),  # 1, 1/2, 1/3, 1/4
        'i32': torch.tensor([[-2147483648, 0], [7, 2147483647]], dtype=torch.int32),
        'mask': torch.tensor([True, False, True]),
        'steps': torch.tensor(7, dtype=torch.int64),
        'ids': torch.tensor([-3, 0, 2147483647], dtype=torch.int64),
        'scalar': torch.tensor(2.5, dtype=torch.float32),
        'empty': torch.zeros(0, 3, dtype=torch.float32),
    }
    save_file(t, path, metadata={'format': 'pt', 'source': 'zoo fixture'})


def mlp(path, json_path):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.BatchNorm1d(4))
    with torch.no_grad():
        model[0].weight.copy_(torch.arange(12.0).reshape(4, 3) / 10 - 0.5)
        model[0].bias.copy_(torch.tensor([0.1, -0.2, 0.3, 0.0]))
        model[2].weight.copy_(torch.tensor([1.0, 2.0, 0.5, -1.0]))
        model[2].bias.copy_(torch.tensor([0.0, 0.5, -0.5, 1.0]))
    train_x = torch.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0], [0.0, -1.0, 1.0], [2.0, 1.0, -1.0]])
    model.train()
    with torch.no_grad():
        model(train_x)  # updates running_mean, running_var, num_batches_tracked
    model.eval()
    x = torch.tensor([[0.5, -0.5, 1.0], [1.5, 2.0, -2.0]])
    with torch.no_grad():
        y = model(x)
    save_file(model.state_dict(), path)
    with open(json_path, 'w') as f:
        json.dump({'input': x.tolist(), 'output': y.tolist()}, f, indent=1)
        f.write('\n')


def check(path):
    for name, t in load_file(path).items():
        print(name, t.dtype, tuple(t.shape), t.flatten().tolist())


if __name__ == '__main__':
    if sys.argv[1] == '--check':
        check(sys.argv[2])
    else:
        out = sys.argv[1]
        os.makedirs(out, exist_ok=True)
        dtypes(os.path.join(out, 'dtypes.safetensors'))
        mlp(os.path.join(out, 'mlp.safetensors'), os.path.join(out, 'mlp.json'))
