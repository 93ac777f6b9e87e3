"""Reading 8-bit PNG files (grayscale, RGB, RGBA) into rows of pixels with zlib only, for the
tests that look at screenshots: read_png(path) -> (width, height, channels, rows of bytes)."""
import struct
import zlib


def _unfilter_row(kind, line, prev, bpp):
    """Undoes PNG filter `kind` (1 Sub, 3 Average, 4 Paeth) of `line` in place."""
    for i in range(len(line)):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if kind == 1:
            line[i] = (line[i] + a) & 255
        elif kind == 3:
            line[i] = (line[i] + (a + b) // 2) & 255
        elif kind == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        else:
            raise ValueError(f'bad PNG filter {kind}')


def _unfilter(raw, width, height, bpp):
    stride = width * bpp
    rows, prev, pos = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[pos], bytearray(raw[pos + 1:pos + 1 + stride])
        pos += 1 + stride
        if kind == 2:  # Up
            line = bytearray((x + y) & 255 for x, y in zip(line, prev))
        elif kind != 0:
            _unfilter_row(kind, line, prev, bpp)
        rows.append(bytes(line))
        prev = line
    return rows


def read_png(path):
    with open(path, 'rb') as f:
        data = f.read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        raise ValueError(f'{path}: no PNG signature')
    pos, idat, ihdr = 8, b'', None
    while pos < len(data):
        (length,) = struct.unpack('>I', data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if kind == b'IHDR':
            ihdr = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat += body
        pos += 12 + length
    width, height, depth, color, _, _, interlace = ihdr
    channels = {0: 1, 2: 3, 6: 4}.get(color)
    if depth != 8 or channels is None or interlace != 0:
        raise ValueError(f'{path}: unsupported PNG (depth {depth}, colour type {color}, interlace {interlace})')
    return width, height, channels, _unfilter(zlib.decompress(idat), width, height, channels)


def count_colours(path, colours, tolerance=12):
    """{name: pixels of `path` within `tolerance` (per channel) of colours[name], an (r, g, b)}."""
    width, _, channels, rows = read_png(path)
    counts = {name: 0 for name in colours}
    if channels < 3:
        return counts
    for row in rows:
        for x in range(0, width * channels, channels):
            r, g, b = row[x], row[x + 1], row[x + 2]
            for name, (r0, g0, b0) in colours.items():
                if abs(r - r0) <= tolerance and abs(g - g0) <= tolerance and abs(b - b0) <= tolerance:
                    counts[name] += 1
    return counts
