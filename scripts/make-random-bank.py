#!/usr/bin/env python3
"""Writes a random RANGE database (.npz, float32) of N entries with 256-d keys and D-d values, for benchmarks.
Standard library only: python3 scripts/make-random-bank.py OUT.npz [N] [D]"""
import array, math, random, struct, sys, zipfile

def npy(shape, data):
    dims = ", ".join(str(x) for x in shape) + ("," if len(shape) == 1 else "")
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }" % dims
    header += " " * (64 - (10 + len(header) + 1) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + data.tobytes()

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
d = int(sys.argv[3]) if len(sys.argv) > 3 else 1024
rng = random.Random(0)
locs = array.array("f")
for _ in range(n):
    locs.append(rng.uniform(-180, 180))
    locs.append(math.degrees(math.asin(rng.uniform(-1, 1))))
keys = array.array("f", (rng.gauss(0, 1) for _ in range(n * 256)))
values = array.array("f", (rng.random() for _ in range(n * d)))
with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
    z.writestr("locs.npy", npy((n, 2), locs))
    z.writestr("satclip_embeddings.npy", npy((n, 256), keys))
    z.writestr("image_embeddings.npy", npy((n, d), values))
print(f"{out}: {n} entries, keys 256, values {d}")
