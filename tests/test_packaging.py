import subprocess
import sys
import textwrap

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
