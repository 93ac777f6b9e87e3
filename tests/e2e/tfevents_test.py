#!/usr/bin/env python3
"""End-to-end test of genc's TensorBoard logs: OUT/events.out.tfevents.* read back by a small
independent reader (TFRecord framing with masked CRC-32C, a generic protobuf decoder, the
field numbers of TensorBoard's event.proto and summary.proto).

  tfevents_test.py --genc build/tools/genc/genc

A tiny VAE trains 150 steps (log every 20, eval and samples every 50, checkpoints every 50);
every event file must start with file_version "brain.Event:2", every record's CRCs must
hold, the scalars must be exactly metrics.jsonl's values (as float32, tag SPLIT/KEY) and the
images exactly the sample PNGs. Then the step-150 checkpoint is deleted (a run that died
after step 100's) and the run resumed to 150: the new segment's events start with
SessionLog START at step 101, and after TensorBoard's purge of the later steps of earlier
segments the scalars again equal the (truncated and continued) metrics.jsonl.
"""
import argparse
import glob
import json
import math
import os
import shutil
import struct
import subprocess
import sys
import tempfile
from checks import check, exit_status  # noqa: E402

VAE = """use std.nn
data fashion = fashion_mnist(split: "train")
data fashion_test = fashion_mnist(split: "test")
model vae(latent: 4, hidden: 32) {
  encoder q(x: [1,28,28]) -> gaussian {
    h = x |> flatten |> linear(hidden) |> relu
    return gaussian(mean: linear(h, latent), logvar: linear(h, latent))
  }
  decoder p(z: [latent]) -> bernoulli {
    return bernoulli(logits: z |> linear(hidden) |> relu |> linear(784) |> reshape([1,28,28]))
  }
  objective elbo
}
train vae on fashion { batch 32  optimizer adam(lr: 1e-3)  steps 150  log every 20
  eval on fashion_test every 50 steps  sample 9 every 50 steps to "samples"  checkpoint every 50 steps }
"""


# ------------------------------------------------------------------ TFRecord + protobuf reader

def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


CRC_TABLE = _crc32c_table()


def masked_crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc = CRC_TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    crc ^= 0xFFFFFFFF
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def records(path):
    """The data of each TFRecord in `path`; raises on a bad CRC or a torn record."""
    with open(path, 'rb') as f:
        data = f.read()
    pos, out = 0, []
    while pos < len(data):
        header = data[pos:pos + 8]
        (length,) = struct.unpack('<Q', header)
        (length_crc,) = struct.unpack('<I', data[pos + 8:pos + 12])
        body = data[pos + 12:pos + 12 + length]
        (body_crc,) = struct.unpack('<I', data[pos + 12 + length:pos + 16 + length])
        if masked_crc32c(header) != length_crc or masked_crc32c(body) != body_crc or len(body) != length:
            raise ValueError(f'{path}: bad CRC or torn record at byte {pos}')
        out.append(body)
        pos += 16 + length
    return out


def varint(buf, pos):
    shift = value = 0
    while True:
        b = buf[pos]
        value |= (b & 0x7F) << shift
        pos += 1
        if b < 0x80:
            return value, pos
        shift += 7


def fields(buf):
    """{field number: [raw values]}: ints for varints, bytes for fixed64/fixed32/length-delimited."""
    out, pos = {}, 0
    while pos < len(buf):
        key, pos = varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = varint(buf, pos)
        elif wire == 1:
            value, pos = buf[pos:pos + 8], pos + 8
        elif wire == 5:
            value, pos = buf[pos:pos + 4], pos + 4
        elif wire == 2:
            n, pos = varint(buf, pos)
            value, pos = buf[pos:pos + n], pos + n
        else:
            raise ValueError(f'unexpected wire type {wire}')
        out.setdefault(number, []).append(value)
    return out


def decode_event(buf):
    f = fields(buf)
    e = {'wall_time': struct.unpack('<d', f[1][0])[0], 'step': f.get(2, [0])[0]}
    if 3 in f:
        e['file_version'] = f[3][0].decode()
    if 7 in f:
        e['session_log'] = fields(f[7][0]).get(1, [0])[0]
    if 5 in f:
        e['values'] = []
        for v in fields(f[5][0]).get(1, []):
            vf = fields(v)
            value = {'tag': vf[1][0].decode()}
            if 2 in vf:
                value['simple_value'] = struct.unpack('<f', vf[2][0])[0]
            if 4 in vf:
                img = fields(vf[4][0])
                value['image'] = {'height': img[1][0], 'width': img[2][0], 'colorspace': img[3][0],
                                  'png': img[4][0]}
            e['values'].append(value)
    return e


def read_events(out):
    """Every events file of `out` in name order: [(file name, [events])]."""
    return [(os.path.basename(p), [decode_event(r) for r in records(p)])
            for p in sorted(glob.glob(os.path.join(out, 'events.out.tfevents.*')))]


def surviving(files):
    """The summary events TensorBoard shows: a SessionLog START at step S drops the earlier
    events of step S and later (tensorboard's event_accumulator purge)."""
    kept = []
    for _, events in files:
        for e in events:
            if e.get('session_log') == 1:
                kept = [k for k in kept if k['step'] < e['step']]
            elif 'values' in e:
                kept.append(e)
    return kept


# ------------------------------------------------------------------ checks

def expected_scalars(out):
    exp = {}
    with open(os.path.join(out, 'metrics.jsonl')) as f:
        for line in f:
            r = json.loads(line)
            for k, v in r.items():
                if k not in ('step', 'epoch', 'split'):
                    exp[(r['step'], r['split'] + '/' + k)] = v
    return exp


def same_float32(json_value, tb_value):
    if json_value is None:
        return math.isnan(tb_value)
    return struct.unpack('<f', struct.pack('<f', json_value))[0] == tb_value


def check_values(what, out, files):
    events = surviving(files)
    got = {}
    images = {}
    for e in events:
        for v in e['values']:
            if 'simple_value' in v:
                got[(e['step'], v['tag'])] = v['simple_value']
            if 'image' in v:
                images[e['step']] = v['image']
    exp = expected_scalars(out)
    check(f'{what}: the scalars are exactly the values of metrics.jsonl ({len(exp)})',
          set(got) == set(exp) and all(same_float32(exp[k], got[k]) for k in exp),
          f'missing {sorted(set(exp) - set(got))[:5]} extra {sorted(set(got) - set(exp))[:5]} '
          f'differ {[(k, exp[k], got[k]) for k in exp if k in got and not same_float32(exp[k], got[k])][:5]}')
    grids = sorted(glob.glob(os.path.join(out, 'samples', 'step_*.png')))
    steps = [int(os.path.basename(g)[5:13]) for g in grids]
    ok = sorted(images) == steps
    for step, grid in zip(steps, grids):
        with open(grid, 'rb') as f:
            png = f.read()
        w, h = struct.unpack('>II', png[16:24])
        img = images.get(step, {})
        ok = ok and img.get('png') == png and (img.get('width'), img.get('height'), img.get('colorspace')) == (w, h, 1)
    check(f'{what}: an image event per sample grid, holding its PNG ({steps})', ok, str(sorted(images)))


def genc(*args):
    p = subprocess.run([GENC, *args], capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        raise AssertionError(f'genc {" ".join(args)} exited {p.returncode}\n{p.stderr[-3000:]}')


def main():
    global GENC
    ap = argparse.ArgumentParser()
    ap.add_argument('--genc', required=True)
    GENC = os.path.abspath(ap.parse_args().genc)
    tmp = tempfile.mkdtemp(prefix='genc-tfevents-')
    try:
        src = os.path.join(tmp, 'vae.gen')
        with open(src, 'w') as f:
            f.write(VAE)
        out = os.path.join(tmp, 'vae')
        genc('run', src, '--device', 'cpu', '--out', out)
        files = read_events(out)
        check('one events file, named events.out.tfevents.<time>.<host>',
              len(files) == 1 and files[0][0].split('.')[3].isdigit(), str(files and files[0][0]))
        first = files[0][1][0] if files and files[0][1] else {}
        check('it starts with file_version brain.Event:2', first.get('file_version') == 'brain.Event:2', str(first))
        check('every event has a wall time of this run', all(e['wall_time'] > 1.6e9 for e in files[0][1]))
        check_values('fresh run', out, files)

        # A run that died after the checkpoint of step 100 (its last checkpoint is gone).
        os.remove(os.path.join(out, 'checkpoints', 'step_00000150.pt'))
        genc('run', '--resume', out)
        files = read_events(out)
        starts = [e for _, events in files for e in events if 'session_log' in e]
        check('the resumed segment starts with SessionLog START at step 101',
              [(e['step'], e['session_log']) for e in starts] == [(101, 1)], str(starts))
        stale = [e['step'] for e in files[0][1] if 'values' in e and e['step'] > 100]
        check('the first segment holds steps after 100 that TensorBoard purges', bool(stale), str(stale))
        check_values('after the resume', out, files)

        genc('run', src, '--device', 'cpu', '--out', out, '--steps', '20')
        check('a fresh run into OUT replaces the earlier events files', len(read_events(out)) == 1,
              str([n for n, _ in read_events(out)]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return exit_status()


if __name__ == '__main__':
    sys.exit(main())
