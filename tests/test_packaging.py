import subprocess
import sys
import textwrap

import pytest

BLOCK_TORCH = textwrap.dedent(
    """
    import sys

    class _Block:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in {"torch", "skorch"}:
                raise ImportError(f"blocked import of {name}")
            return None

    sys.meta_path.insert(0, _Block())
    """
)


def run_python(code):
    return subprocess.run([sys.executable, "-c", BLOCK_TORCH + code],
                          capture_output=True, text=True, timeout=120)


def test_core_modules_work_without_torch():
    result = run_python(
        "import numpy as np\n"
        "import skdir, skdir.reweight, skdir.metrics, skdir.model_selection, skdir.datasets\n"
        "w = skdir.reweight.lds_weights(np.array([1, 1, 2, 3]))\n"
        "assert abs(w.mean() - 1) < 1e-12\n"
        "assert 'torch' not in sys.modules\n"
        "print('ok')\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_version_is_exposed():
    import skdir

    assert skdir.__version__.count(".") >= 2


def _private_imports(path):
    import ast

    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module \
                and node.module.split(".")[0] in ("sklearn", "imblearn"):
            names = [a.name for a in node.names]
            if "._" in node.module or any(n.startswith("_") for n in names):
                yield f"{path}:{node.lineno} from {node.module} import {', '.join(names)}"


def test_private_scikit_learn_names_are_imported_in_one_module():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "skdir"
    found = [line for path in sorted(root.rglob("*.py")) if path.name != "_sklearn.py"
             for line in _private_imports(path)]
    assert not found, "import these from skdir._sklearn:\n" + "\n".join(found)
    assert list(_private_imports(root / "_sklearn.py"))  # the one home holds them


def _blocked(names, code):
    block = textwrap.dedent(f"""
        import sys

        class _Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in {set(names)!r}:
                    raise ImportError(f"blocked import of {{name}}")
                return None

        sys.meta_path.insert(0, _Block())
    """)
    return subprocess.run([sys.executable, "-c", block + textwrap.dedent(code)],
                          capture_output=True, text=True, timeout=120)


MISSING = [
    (["torch"], "import skdir.fds",
     "skdir.fds needs the deep extra (torch not installed): pip install 'scikit-dir[deep]'"),
    (["skorch"], "import skdir.estimators",
     "skdir.estimators needs the deep extra (skorch not installed): "
     "pip install 'scikit-dir[deep]'"),
    (["matplotlib"], "import skdir.plot, numpy as np\n"
                     "skdir.plot.plot_error_along_target([1, 2, 3], {'m': [1, 2, 3]})",
     "skdir.plot needs the plot extra (matplotlib not installed): "
     "pip install 'scikit-dir[plot]'"),
    (["PIL"], "import skdir.datasets\nskdir.datasets.AgeDBImageDataset",
     "skdir.datasets.AgeDBImageDataset needs the deep extra (PIL not installed): "
     "pip install 'scikit-dir[deep]'"),
    (["tokenizers"], "import skdir.text\nskdir.text.tokenize_pairs([('a b', 'c')])",
     "skdir.text needs the text extra (tokenizers not installed): "
     "pip install 'scikit-dir[text]'"),
    (["pyarrow"], "import pandas as pd, tempfile, pathlib\n"
                  "from skdir.benchmark._table import read_table\n"
                  "p = pathlib.Path(tempfile.mkdtemp()) / 't.parquet'\np.write_bytes(b'')\n"
                  "read_table(p)",
     "reading t.parquet needs the parquet extra (pyarrow not installed): "
     "pip install 'scikit-dir[parquet]'"),
    (["faiss"], "import numpy as np\nfrom skdir.resample import SMOGN\n"
                "X = np.random.RandomState(0).normal(size=(200, 8))\n"
                "SMOGN(neighbors='hnsw').fit_resample(X, np.exp(X[:, 0]))",
     "SMOGN(neighbors='hnsw') needs the ann extra (faiss not installed): "
     "pip install 'scikit-dir[ann]'"),
]


@pytest.mark.parametrize("names, code, message", MISSING, ids=lambda v: str(v)[:30])
def test_a_missing_extra_is_named_the_same_way_everywhere(names, code, message):
    # the module before the blocked one must be there, or it is the one named
    for needed in {"skorch": ["torch"], "PIL": ["torch"], "tokenizers": ["torch"]}.get(
            names[0], []):
        pytest.importorskip(needed)
    result = _blocked(names, code)
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last == f"skdir._extras.MissingExtraError: {message}", result.stderr


def test_the_sdist_carries_conftest_so_its_tests_skip_gpu_and_slow_ones(tmp_path):
    import shutil
    import tarfile
    from pathlib import Path

    # the version pyproject's build-system asks for (PEP 639 license fields)
    pytest.importorskip("setuptools", minversion="77")
    setuptools = pytest.importorskip("setuptools.build_meta")
    root = Path(__file__).resolve().parent.parent
    copy = tmp_path / "src"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(
        ".venv*", ".git", "build", "results", "*.egg-info", "__pycache__", ".hypothesis"))
    import os

    here = os.getcwd()
    try:
        os.chdir(copy)
        name = setuptools.build_sdist(str(tmp_path))
    finally:
        os.chdir(here)
    with tarfile.open(tmp_path / name) as sdist:
        names = {Path(n).relative_to(Path(n).parts[0]).as_posix() for n in sdist.getnames()
                 if len(Path(n).parts) > 1}
    assert {"conftest.py", "tests/test_lds.py", "pyproject.toml", "LICENSE"} <= names
