"""Build `.gpu_text/`: the part of skdir[text]'s model package a device run needs.

The lent GPU machine takes at most 64 MiB of working tree, and the
all-MiniLM-L6-v2 package is 90 MB. The BiLSTM benchmark reads two things from
it: ``tokenizer.json`` and the word-embedding tensor of ``model.safetensors``.
This script copies those two, unchanged (same tensor name, dtype and values),
into a stand-in package of the same import name (46 MB), which
``benchmarks/gpu_sts_b.sh`` puts first on ``PYTHONPATH``.

    python benchmarks/make_gpu_text.py            # writes .gpu_text/ (git-ignored)
"""

import argparse
import shutil
from pathlib import Path

from safetensors import safe_open
from safetensors.numpy import save_file

from skdir.text import MODEL_PACKAGE, _model_dir

STUB = '''"""Stand-in for a device run: tokenizer and word-embedding tensor only."""
from pathlib import Path


def get_model_path():
    return str(Path(__file__).parent / "model")
'''


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(".gpu_text"))
    args = parser.parse_args()
    src = _model_dir()
    pkg = args.out / MODEL_PACKAGE
    (pkg / "model").mkdir(parents=True, exist_ok=True)
    shutil.copy(src / "tokenizer.json", pkg / "model" / "tokenizer.json")
    with safe_open(str(src / "model.safetensors"), framework="numpy") as f:
        name = next(k for k in f.keys() if k.endswith("word_embeddings.weight"))
        save_file({name: f.get_tensor(name)}, str(pkg / "model" / "model.safetensors"))
    (pkg / "__init__.py").write_text(STUB)
    print(f"wrote {pkg} ({sum(p.stat().st_size for p in pkg.rglob('*') if p.is_file()) >> 20} MiB)")


if __name__ == "__main__":
    main()
