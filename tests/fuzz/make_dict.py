#!/usr/bin/env python3
"""Writes the libFuzzer dictionary of the .gen language and the graph IR text form, generated
from the sources of truth so that it cannot drift: the grammar's literal tokens (dsl/Gen.g4),
the ops and their attributes (compiler/ir/ops.def), the builtins (compiler/sema/builtins.def),
the constructs and options (compiler/ir/options.def) and the IR's own punctuation."""
import argparse
import pathlib
import re

# The graph IR's keywords and punctuation (compiler/ir/printer.cpp, parser.cpp).
IR_TOKENS = ["// genc graph IR v0", "hyperparams", "objective", "role", "%0", "%1", " = ", " : ",
             "f32", "i64", "gaussian", "@\"", "\":1:1-1:2", "{", "}", "->", "[", "]"]


def words(root: pathlib.Path):
    grammar = (root / "dsl/Gen.g4").read_text()
    for literal in re.findall(r"'((?:[^'\\\n]|\\.)+)'", grammar):
        if "\\" not in literal:
            yield literal
    ops = (root / "compiler/ir/ops.def").read_text()
    yield from re.findall(r'^OP\(\w+,\s*"([^"]+)"', ops, re.M)
    yield from re.findall(r"ATTR\(op,\s*(\w+),", ops)
    builtins = (root / "compiler/sema/builtins.def").read_text()
    yield from re.findall(r"^BUILTIN_(?:OP|FN)\((\w+),", builtins, re.M)
    options = (root / "compiler/ir/options.def").read_text()
    yield from re.findall(r'GENC_CONSTRUCT\(\w+,\s*(\w+),', options)
    yield from re.findall(r'GENC_(?:OPTION|REQUIRED)\(\w+,\s*"?(\w+)"?,', options)
    yield from IR_TOKENS


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", type=pathlib.Path, default=pathlib.Path(__file__).resolve().parents[2])
    parser.add_argument("--out", type=pathlib.Path, required=True)
    args = parser.parse_args()
    unique = sorted(set(words(args.root)))
    escaped = (w.replace("\\", "\\\\").replace('"', '\\"') for w in unique)
    args.out.write_text("".join(f'"{w}"\n' for w in escaped))
    print(f"make_dict: {len(unique)} entries in {args.out}")


if __name__ == "__main__":
    main()
