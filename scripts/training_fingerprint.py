"""Prints a fingerprint of everything a trained model depends on.

Rasa 3.6's own check (`rasa train --dry-run`) always reports the DIETClassifier as changed:
the key it computes in fingerprint mode differs from the one stored at training time, so
every `make test` would retrain for about five minutes. This fingerprint covers the same
inputs explicitly: config, domain, training data, the custom NLU components and their
pattern files, the sources of the project's spaCy pipeline, and the locked dependencies.
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INPUTS = ["config.yml", "domain.yml", "data", "nlu_components", "spacy_pipeline", "requirements/lock.txt"]
SKIPPED_SUFFIXES = {".pyc"}


def files(root: Path = ROOT):
    for name in INPUTS:
        path = root / name
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix not in SKIPPED_SUFFIXES and "__pycache__" not in p.parts
            )


def fingerprint(root: Path = ROOT) -> str:
    digest = hashlib.sha256()
    for path in files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


if __name__ == "__main__":
    sys.stdout.write(fingerprint() + "\n")
