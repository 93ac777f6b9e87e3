#!/usr/bin/env python3
"""End-to-end tests of reading data files: bad files are located errors, image folders load.

  data_files_test.py --genc build/tools/genc/genc CASE

Cases (each one ctest test, label e2e; small files written to a temporary folder):
  errors        a CSV with nan, a ragged row or a word in a data row, an .npy with an inf,
                IDX labels out of range for `label of 10`, npy and CSV tokens out of range
                for `tokens[8] of 16`: `genc run` exits 1 with one
                `genc: error:` line naming the file and the line/row and column of the fault.
  image_folder  a folder of class subfolders of PNGs gives labels (sorted folder names) and
                `channels: 1` grey images: a conditional model trains on it; a class folder
                is needed for labels, and a file that is not an image is a located error.
"""
import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from checks import FAILURES, check  # noqa: E402

GENC = None


def genc(*args, cwd=None):
    p = subprocess.run([GENC, *args], capture_output=True, cwd=cwd, timeout=600)
    return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')


def expect_user_error(what, args, must_mention):
    rc, out, err = genc(*args)
    lines = [l for l in err.splitlines() if l.strip()]
    check(f'{what}: exit 1', rc == 1, f'rc={rc}\nstdout:\n{out[-2000:]}\nstderr:\n{err[-2000:]}')
    missing = [m for m in must_mention if m not in err]
    check(f'{what}: one "genc: error:" line naming {must_mention}',
          len(lines) == 1 and lines[0].startswith('genc: error: ') and not missing, err[-2000:])


def write(path, text):
    with open(path, 'w') as f:
        f.write(text)
    return path


# A tiny VAE on 2 columns of CSV/npy data (a gaussian decoder: the data's range is unknown).
POINTS_VAE = '''use std.nn
data points = {source}
model vae(nz: 2) {{
  encoder q(x: [2]) -> gaussian {{
    h = x |> linear(8) |> relu
    return gaussian(mean: linear(h, nz), logvar: linear(h, nz))
  }}
  decoder p(z: [nz]) -> gaussian {{
    return gaussian(mean: linear(z, 2), logvar: linear(z, 2))
  }}
  objective elbo
}}
train vae on points {{ batch 4  steps 2 }}
'''


def npy_bytes(rows, descr='<f4'):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%d, %d), }" % (descr, len(rows), len(rows[0]))
    header += ' ' * (63 - len(header) % 64) + '\n'
    packing = {'<f4': '<f', '<i8': '<q'}[descr]
    body = b''.join(struct.pack(packing, v) for row in rows for v in row)
    return b'\x93NUMPY\x01\x00' + struct.pack('<H', len(header)) + header.encode() + body


# A tiny autoregressive model over sequences of 8 tokens of 16 values.
TOKENS_AR = '''use std.transformer
data seqs = {source}
model ar() {{
  autoregressive p(x: tokens[8] of 16) -> categorical {{
    h = embed(x, 16) + position(8, 16)
    h = transformer_block(h, heads: 2, causal: true)
    return categorical(logits: h |> layernorm |> linear(16))
  }}
  objective nll
}}
train ar on seqs {{ batch 4  steps 2 }}
'''


def idx_bytes(dims, values):
    return bytes([0, 0, 8, len(dims)]) + b''.join(struct.pack('>I', d) for d in dims) + bytes(values)


def case_errors(tmp):
    def run_on(name, source):
        gen = write(os.path.join(tmp, name + '.gen'), POINTS_VAE.format(source=source))
        return ['run', gen, '--out', os.path.join(tmp, name + '_out'), '--device', 'cpu']

    good = [f'{i * 0.1:.1f},{1 - i * 0.1:.1f}' for i in range(8)]
    nan_csv = write(os.path.join(tmp, 'nan.csv'), 'a,b\n' + '\n'.join(good[:3] + ['0.5,nan'] + good[3:]) + '\n')
    expect_user_error('csv with nan', run_on('nan', 'csv(path: "nan.csv")'),
                      [nan_csv, "line 5, column 2: 'nan' is not a finite number"])
    write(os.path.join(tmp, 'ragged.csv'), '\n'.join(good[:4] + ['0.1,0.2,0.3'] + good[4:]) + '\n')
    expect_user_error('csv with a ragged row', run_on('ragged', 'csv(path: "ragged.csv")'),
                      ['ragged.csv', 'line 5 has 3 columns, expected 2 (as on line 1)'])
    write(os.path.join(tmp, 'word.csv'), 'x,y\n' + '\n'.join(good[:2] + ['0.3, oops']) + '\n')
    expect_user_error('csv with a word in a data row', run_on('word', 'csv(path: "word.csv")'),
                      ['word.csv', "line 4, column 2: 'oops' is not a number"])

    rows = [[i * 0.1, 1 - i * 0.1] for i in range(8)]
    rows[5][1] = float('inf')
    with open(os.path.join(tmp, 'inf.npy'), 'wb') as f:
        f.write(npy_bytes(rows))
    expect_user_error('npy with inf', run_on('inf', 'npy(path: "inf.npy")'),
                      ['inf.npy', 'element [5, 1] is inf (example 5'])

    n = 16
    with open(os.path.join(tmp, 'images-idx3-ubyte'), 'wb') as f:
        f.write(idx_bytes([n, 28, 28], [(i * 7) % 256 for i in range(n * 28 * 28)]))
    labels = [i % 10 for i in range(n)]
    labels[11] = 12
    with open(os.path.join(tmp, 'labels-idx1-ubyte'), 'wb') as f:
        f.write(idx_bytes([n], labels))
    gen = write(os.path.join(tmp, 'labels.gen'), '''use std.nn
data digits = idx(images: "images-idx3-ubyte", labels: "labels-idx1-ubyte")
model clf() {
  discriminator D(x: [1,28,28]) -> [10] {
    return x |> flatten |> linear(10)
  }
  objective classify
}
train clf on digits { batch 4  steps 2 }
''')
    expect_user_error('idx labels out of range', ['run', gen, '--out', os.path.join(tmp, 'labels_out'), '--device', 'cpu'],
                      ['labels-idx1-ubyte', 'row 11 (counting from 0): label 12 is out of range for label of 10'])

    # Token ids (an integer .npy through `tokens(levels: 16)`) must lie below the vocabulary:
    # 20 in row 5 is named. A CSV holds real values, which `tokens` quantizes from [0, 1]:
    # its first value above 1 is named.
    rows = [[(r + c) % 16 for c in range(8)] for r in range(12)]
    rows[5][3] = 20
    with open(os.path.join(tmp, 'tokens.npy'), 'wb') as f:
        f.write(npy_bytes(rows, '<i8'))
    write(os.path.join(tmp, 'tokens.csv'), '\n'.join(','.join(str(v) for v in row) for row in rows) + '\n')
    for fmt, message in (('npy', 'row 5, element [3] (counting from 0): token 20 is out of range for i64[8] of 16'),
                         ('csv', 'row 0, element [2] (counting from 0): value 2 is outside [0, 1]')):
        source = f'{fmt}(path: "tokens.{fmt}") |> tokens(levels: 16)'
        gen = write(os.path.join(tmp, f'tokens_{fmt}.gen'), TOKENS_AR.format(source=source))
        expect_user_error(f'{fmt} tokens out of range', ['run', gen, '--out', os.path.join(tmp, f'tokens_{fmt}_out'),
                                                         '--device', 'cpu'], [f'tokens.{fmt}', message])
    rows[5][3] = 15
    with open(os.path.join(tmp, 'tokens.npy'), 'wb') as f:
        f.write(npy_bytes(rows, '<i8'))
    rc, _, err = genc('run', os.path.join(tmp, 'tokens_npy.gen'), '--out', os.path.join(tmp, 'tokens_fine'), '--device', 'cpu')
    check('tokens below the vocabulary train', rc == 0, err[-2000:])

    # The same files without the faults train: the errors above are the faults, not the setup.
    write(os.path.join(tmp, 'fine.csv'), '\n'.join(good) + '\n')
    rc, _, err = genc(*run_on('fine', 'csv(path: "fine.csv")'))
    check('a clean csv trains', rc == 0, err[-2000:])


def png_bytes(width, height, grey):
    """An 8-bit greyscale PNG from rows of pixel values."""
    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))
    raw = b''.join(b'\x00' + bytes(row) for row in grey)
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 0, 0, 0, 0))
            + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))


# A classifier of grey 8x8 images; LABELS and CHANNELS are filled in per run.
FOLDER_CLASSIFIER = '''use std.nn
data shapes = image_folder(dir: "shapes", size: 8, channels: {channels})
model clf() {{
  discriminator D(x: [{channels},8,8]) -> [{labels}] {{
    return x |> flatten |> linear(16) |> relu |> linear({labels})
  }}
  objective classify
}}
train clf on shapes {{ batch 16  optimizer adam(lr: 1e-2)  steps 150  eval on shapes every 150 steps }}
'''


def case_image_folder(tmp):
    # Three classes (folder names sorted: bars=0, blank=1, dots=2), told apart by their pattern.
    patterns = {
        'bars': lambda x, y, k: 255 if x % 4 < 2 else 0,
        'blank': lambda x, y, k: 20 + 10 * (k % 3),
        'dots': lambda x, y, k: 255 if (x % 4 == 1 and y % 4 == 1) else 30,
    }
    for name, f in patterns.items():
        os.makedirs(os.path.join(tmp, 'shapes', name))
        for k in range(12):
            rows = [[f(x, y, k) for x in range(16)] for y in range(16)]
            with open(os.path.join(tmp, 'shapes', name, f'{k:02d}.png'), 'wb') as out:
                out.write(png_bytes(16, 16, rows))
    os.makedirs(os.path.join(tmp, 'shapes', '.cache'))  # hidden: not a class

    def program(name, channels, labels):
        return write(os.path.join(tmp, name + '.gen'), FOLDER_CLASSIFIER.format(channels=channels, labels=labels))

    gen = program('grey3', 1, 3)
    out = os.path.join(tmp, 'grey3_out')
    rc, _, err = genc('run', gen, '--out', out, '--device', 'cpu')
    if check('image_folder: 3 class folders, channels 1: a classifier trains', rc == 0, err[-2000:]):
        with open(os.path.join(out, 'metrics.jsonl')) as f:
            evals = [json.loads(l) for l in f if '"accuracy"' in l]
        accuracy = evals[-1].get('accuracy', 0) if evals else 0
        # The classes differ by pattern, so labels from the folders are learnable (chance: 1/3).
        check(f'image_folder: the labels follow the folders (accuracy {accuracy:.2f} > 0.9)', accuracy > 0.9,
              str(evals))

    rc, _, err = genc('check', program('two_labels', 1, 2))
    check('image_folder: its labels are `label of 3` (3 sub-folders)',
          rc == 1 and "dataset 'shapes' yields label of 3" in err, err[-2000:])
    rc, _, err = genc('check', program('rgb', 3, 3))
    rc1, _, err1 = genc('check', write(os.path.join(tmp, 'rgb_on_grey.gen'),
                                       FOLDER_CLASSIFIER.format(channels=1, labels=3).replace('[1,8,8]', '[3,8,8]')))
    check('image_folder: channels 3 gives [3,8,8], channels 1 [1,8,8]',
          rc == 0 and rc1 == 1 and 'yields [1,8,8]' in err1, err + err1)
    rc, _, err = genc('check', program('two_channels', 2, 3))
    check('image_folder: channels 2 is a located error', rc == 1 and 'invalid value 2 for \'channels\': expected 1 or 3' in err
          and 'two_channels.gen:2:' in err, err[-2000:])

    with open(os.path.join(tmp, 'shapes', 'dots', 'zz.png'), 'wb') as f:
        f.write(b'\x89PNG not really')
    expect_user_error('image_folder: a broken image', ['run', gen, '--out', os.path.join(tmp, 'broken_out'), '--device', 'cpu'],
                      [os.path.join('shapes', 'dots', 'zz.png'), 'cannot decode image'])


CASES = {'errors': case_errors, 'image_folder': case_image_folder}


def main():
    global GENC
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--genc', required=True)
    ap.add_argument('--keep', action='store_true', help='keep the temporary directory')
    ap.add_argument('case', choices=sorted(CASES))
    opts = ap.parse_args()
    GENC = os.path.abspath(opts.genc)
    tmp = tempfile.mkdtemp(prefix=f'genc-data-{opts.case}-')
    try:
        CASES[opts.case](tmp)
    finally:
        if opts.keep or FAILURES:
            print(f'kept {tmp}')
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    for f in FAILURES:
        print('FAILED: ' + f, file=sys.stderr)
    return 1 if FAILURES else 0


if __name__ == '__main__':
    sys.exit(main())
