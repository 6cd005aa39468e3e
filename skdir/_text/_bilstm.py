"""The BiLSTM sentence-pair encoder of the STS-B-DIR benchmark (imports torch)."""

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

__all__ = ["BiLSTMPairEncoder", "torch_pair_features"]

PAD_ID = 0


def torch_pair_features(u, v):
    """``[u, v, |u - v|, u * v]`` along the last axis (tensors)."""
    return torch.cat([u, v, (u - v).abs(), u * v], dim=-1)


class BiLSTMPairEncoder(nn.Module):
    """Frozen word vectors -> 2-layer BiLSTM -> max-pool -> pair features.

    The sentence-pair model of the STS-B-DIR benchmark (Yang et al., 2021,
    after the GLUE baseline of Wang et al., 2019), as a feature extractor for
    :class:`skdir.estimators.DeepRegressor` (``module=BiLSTMPairEncoder``):
    each sentence's token ids are looked up in a frozen word-vector table,
    read by a bidirectional LSTM trained end to end, and max-pooled over time
    (padding excluded) into ``u`` and ``v``; the output is
    ``[u, v, |u - v|, u * v]``. A regression head (and FDS) go on top.

    Parameters
    ----------
    embeddings : array-like of shape (vocab_size, dim), default=None
        Word vectors, row ``i`` for token id ``i``; row 0 is padding. None
        loads the 384-d token-embedding matrix of all-MiniLM-L6-v2 with
        :func:`skdir.text.load_word_vectors` (it stands in for the paper's
        300-d GloVe vectors), to be used with ids from
        :func:`skdir.text.tokenize_pairs`.
    hidden_size : int, default=128
        LSTM units per direction. The paper uses 1500 (a GPU job); 128 keeps
        a CPU run in minutes.
    num_layers : int, default=2
        Stacked LSTM layers.
    dropout : float, default=0.0
        Dropout between LSTM layers (``num_layers > 1`` only).
    freeze_embeddings : bool, default=True
        Keep the word vectors fixed, as the paper does with GloVe. Frozen
        vectors are a buffer outside ``state_dict()``, so checkpoints stay
        small and the optimizer never sees them; unfrozen ones are a
        trainable ``nn.Embedding``.

    Attributes
    ----------
    out_features : int
        Width of the output, ``8 * hidden_size`` (four blocks of the
        ``2 * hidden_size`` pooled BiLSTM states).

    Notes
    -----
    ``forward(X)`` takes a LongTensor of shape (batch, 2, max_len), right
    padded with 0 (the layout of :func:`skdir.text.tokenize_pairs`) and
    returns a float tensor of shape (batch, out_features). Sequences are
    packed, so the backward LSTM starts at each sentence's last real token:
    the output does not depend on how much padding follows. A sentence with
    no token gives zeros.

    Examples
    --------
    >>> import torch
    >>> from skdir.text import BiLSTMPairEncoder
    >>> torch.manual_seed(0)  # doctest: +ELLIPSIS
    <torch._C.Generator object at ...>
    >>> enc = BiLSTMPairEncoder(embeddings=torch.randn(10, 4), hidden_size=3)
    >>> X = torch.tensor([[[1, 2, 3, 0], [4, 5, 0, 0]]])  # one pair
    >>> enc(X).shape, enc.out_features
    (torch.Size([1, 24]), 24)
    """

    def __init__(self, embeddings=None, hidden_size=128, num_layers=2, dropout=0.0,
                 freeze_embeddings=True):
        super().__init__()
        if embeddings is None:
            from ..text import load_word_vectors

            embeddings = load_word_vectors()
        if isinstance(embeddings, torch.Tensor):
            weights = embeddings.detach().to("cpu", torch.float32).clone()
        else:
            weights = torch.from_numpy(np.array(embeddings, dtype=np.float32))  # a copy
        if weights.ndim != 2 or weights.shape[0] < 2:
            raise ValueError(
                f"embeddings must be a 2-D array (vocab_size, dim) with at least "
                f"2 rows; got shape {tuple(weights.shape)}."
            )
        for name, value in (("hidden_size", hidden_size), ("num_layers", num_layers)):
            if isinstance(value, bool) or int(value) != value or value < 1:
                raise ValueError(f"{name} must be a positive int; got {value!r}.")
        if not 0.0 <= float(dropout) < 1.0:
            raise ValueError(f"dropout must be in [0, 1); got {dropout!r}.")
        self.hidden_size = int(hidden_size)
        self.num_layers = int(num_layers)
        self.freeze_embeddings = bool(freeze_embeddings)
        if self.freeze_embeddings:
            self.register_buffer("word_vectors", weights, persistent=False)
            self.embedding = None
        else:
            self.word_vectors = None
            self.embedding = nn.Embedding.from_pretrained(weights, freeze=False,
                                                          padding_idx=PAD_ID)
        self.lstm = nn.LSTM(
            input_size=weights.shape[1],
            hidden_size=self.hidden_size,
            num_layers=self.num_layers,
            bidirectional=True,
            batch_first=True,
            dropout=float(dropout) if self.num_layers > 1 else 0.0,
        )
        self.out_features = 8 * self.hidden_size

    def _embed(self, tokens):
        if self.embedding is not None:
            return self.embedding(tokens)
        return nn.functional.embedding(tokens, self.word_vectors)

    def encode(self, tokens):
        """Max-pooled BiLSTM states of sentences: (n, max_len) -> (n, 2 * hidden)."""
        n, max_len = tokens.shape
        lengths = (tokens != PAD_ID).sum(dim=1)
        packed = pack_padded_sequence(
            self._embed(tokens), lengths.clamp(min=1).cpu(), batch_first=True,
            enforce_sorted=False,
        )
        out, _ = pad_packed_sequence(self.lstm(packed)[0], batch_first=True,
                                     total_length=max_len)
        valid = torch.arange(max_len, device=tokens.device) < lengths[:, None]
        pooled = out.masked_fill(~valid[:, :, None], float("-inf")).amax(dim=1)
        return torch.where(lengths[:, None] > 0, pooled, torch.zeros_like(pooled))

    def forward(self, X):
        if X.ndim != 3 or X.shape[1] != 2:
            raise ValueError(
                f"X must be a LongTensor of shape (batch, 2, max_len); got shape "
                f"{tuple(X.shape)}."
            )
        batch, _, max_len = X.shape
        pooled = self.encode(X.reshape(batch * 2, max_len).long())
        u, v = pooled.view(batch, 2, -1).unbind(dim=1)
        return torch_pair_features(u, v)
