"""The noise-free curves of genc's 2-D toy sets, and how many sampled points lie near them.

Used by the flow and diffusion end-to-end tests on the moons: a model whose samples lie on
the data has most of them within a small distance of the curves that runtime/data/toy.cpp
draws its points from (before its noise).
"""
import math
import struct


def read_npy_points(path):
    """The [N,2] float32 array of a .npy file written by genc (version 1.0, C order)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:6] != b"\x93NUMPY":
        raise ValueError(f"{path}: not a .npy file")
    header_len = struct.unpack("<H", data[8:10])[0]
    header = data[10:10 + header_len].decode("latin1")
    if "'<f4'" not in header or "False" not in header:
        raise ValueError(f"{path}: expected little-endian float32 in C order, got {header.strip()}")
    values = struct.unpack(f"<{(len(data) - 10 - header_len) // 4}f", data[10 + header_len:])
    if len(values) % 2:
        raise ValueError(f"{path}: expected [N,2] points")
    return [(values[i], values[i + 1]) for i in range(0, len(values), 2)]


def _distance_to_half_circle(x, y, cx, cy, upper):
    """Distance from (x, y) to the unit half circle around (cx, cy), upper or lower half."""
    dx, dy = x - cx, y - cy
    if (dy >= 0) == upper:
        return abs(math.hypot(dx, dy) - 1.0)
    return min(math.hypot(dx - 1.0, dy), math.hypot(dx + 1.0, dy))  # nearer end of the arc


def distance_to_moons(x, y):
    """Distance to the moons: the upper half circle around (0, 0), the lower around (1, 0.5)."""
    return min(_distance_to_half_circle(x, y, 0.0, 0.0, True), _distance_to_half_circle(x, y, 1.0, 0.5, False))


def share_near_moons(points, tolerance=0.15):
    """The fraction of `points` within `tolerance` of the moons; non-finite points count as far."""
    near = sum(1 for x, y in points if math.isfinite(x) and math.isfinite(y) and distance_to_moons(x, y) <= tolerance)
    return near / max(1, len(points))
