"""Coverage-guided fuzzing (atheris, libFuzzer) of the decoders every reader goes through: the bytes of one
file as `decode_yaml`, `decode_json` (the snapshot reader) and `parse_yaml_documents` (the repository
reader). Any exception is a crash: they must report bad input as problems, never raise. See fuzz/README.md.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["firstdomino", "yaml", "msgspec"]):
    from firstdomino.model.decode import decode_json, decode_yaml, parse_yaml_documents


def test_one_input(data: bytes) -> None:
    for decoded in (decode_yaml(data), decode_json(data), decode_json(data, kind_hint="Pod")):
        for line, message in decoded.problems:
            if not (line is None or line >= 1) or not message:
                raise AssertionError(f"bad problem {line!r} {message!r}")
    values, problems = parse_yaml_documents(data)
    if problems and values:
        raise AssertionError("documents and a parse error at once")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
