"""Build the project's spaCy pipeline from the sources in `spacy_pipeline/patterns/`.

Usage: python -m spacy_pipeline.build [--output build/spacy/en_breastmilk]

The build is reproducible: the same sources and the same pinned packages give the same
pipeline, and the pipeline's `meta.json` records the SHA-256 of its sources.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from pathlib import Path
from typing import Iterable, List

import spacy

SOURCES_DIR = Path(__file__).resolve().parent / "patterns"
ENTITY_PATTERNS = SOURCES_DIR / "entities.jsonl"
DEFAULT_OUTPUT = Path("build/spacy/en_breastmilk")
PIPELINE_NAME = "breastmilk"


class PatternError(ValueError):
    """A pattern source file is malformed; the message names the file and line."""


def source_files() -> List[Path]:
    """Every file the pipeline is built from, in a stable order."""
    return sorted(p for p in SOURCES_DIR.iterdir() if p.is_file())


def sources_digest(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load_entity_patterns(path: Path = ENTITY_PATTERNS) -> List[dict]:
    patterns = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            pattern = json.loads(line)
        except json.JSONDecodeError as error:
            raise PatternError(f"{path}:{number}: not valid JSON ({error})") from error
        if not isinstance(pattern, dict) or "label" not in pattern or "pattern" not in pattern:
            raise PatternError(f"{path}:{number}: needs 'label' and 'pattern'")
        patterns.append(pattern)
    if not patterns:
        raise PatternError(f"{path}: no patterns")
    return patterns


def build(output: Path = DEFAULT_OUTPUT) -> Path:
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    nlp.initialize()  # loads the lemma lookup table from spacy-lookups-data
    ruler.add_patterns(load_entity_patterns())

    digest = sources_digest(source_files())
    nlp.meta["name"] = PIPELINE_NAME
    nlp.meta["version"] = "1.0.0"
    nlp.meta["description"] = "Project-built pipeline: tokenizer, lookup lemmatizer, entity ruler."
    nlp.meta["sources_sha256"] = digest

    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(output.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    nlp.to_disk(tmp)
    shutil.rmtree(output, ignore_errors=True)
    tmp.rename(output)
    return output


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    try:
        path = build(args.output)
    except PatternError as error:
        print(f"spaCy pipeline not built: {error}", file=sys.stderr)
        return 1
    print(f"spaCy pipeline written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
