"""The training fingerprint changes exactly when something the model depends on changes."""
import importlib.util
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("training_fingerprint", ROOT / "scripts" / "training_fingerprint.py")
training_fingerprint = importlib.util.module_from_spec(spec)
spec.loader.exec_module(training_fingerprint)


def project_copy(tmp_path: Path) -> Path:
    for name in training_fingerprint.INPUTS:
        source = ROOT / name
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target)
    (tmp_path / "facts").mkdir()
    (tmp_path / "facts" / "colostrum.yml").write_text("not a model input\n")
    return tmp_path


def test_fingerprint_is_stable_and_follows_model_inputs_only(tmp_path):
    project = project_copy(tmp_path)
    first = training_fingerprint.fingerprint(project)
    assert training_fingerprint.fingerprint(project) == first
    (project / "facts" / "colostrum.yml").write_text("changed, still not a model input\n")
    assert training_fingerprint.fingerprint(project) == first
    for changed in ["data/nlu/conversation.yml", "config.yml", "nlu_components/patterns/safety_net.yml"]:
        path = project / changed
        original = path.read_bytes()
        path.write_bytes(original + b"\n# changed\n")
        assert training_fingerprint.fingerprint(project) != first, changed
        path.write_bytes(original)
    assert training_fingerprint.fingerprint(project) == first
