"""The default feature extractor for tabular data."""

from torch import nn

__all__ = ["ACTIVATIONS", "MLP"]

#: Activations ``DeepRegressor(activation=...)`` accepts by name.
ACTIVATIONS = {
    "relu": nn.ReLU,
    "leaky_relu": nn.LeakyReLU,
    "gelu": nn.GELU,
    "silu": nn.SiLU,
    "elu": nn.ELU,
    "tanh": nn.Tanh,
}


class MLP(nn.Module):
    """Fully connected layers: Linear, [BatchNorm1d], activation, [Dropout].

    Every hidden layer, the last included, ends in the activation, so the
    features the head (and FDS) see are post-activation, as in a ResNet's
    pooled features.

    Parameters
    ----------
    in_features : int
        Number of input columns.
    hidden_sizes : sequence of int, default=(256, 256)
        Width of each hidden layer; empty means the inputs are the features.
    activation : str or nn.Module class, default='relu'
        A key of :data:`ACTIVATIONS` or a module class built without arguments.
    dropout : float, default=0.0
        Dropout probability after each activation (0: no Dropout layer).
    batch_norm : bool, default=False
        BatchNorm1d before each activation (the Linear then has no bias).

    Attributes
    ----------
    out_features : int
        Width of the output features.

    Examples
    --------
    >>> import torch
    >>> from skdir.estimators import MLP
    >>> mlp = MLP(4, hidden_sizes=(16, 8), dropout=0.1)
    >>> mlp.out_features, mlp(torch.zeros(2, 4)).shape
    (8, torch.Size([2, 8]))
    """

    def __init__(self, in_features, hidden_sizes=(256, 256), activation="relu",
                 dropout=0.0, batch_norm=False):
        super().__init__()
        act = ACTIVATIONS[activation] if isinstance(activation, str) else activation
        layers = []
        width = int(in_features)
        for size in hidden_sizes:
            layers.append(nn.Linear(width, int(size), bias=not batch_norm))
            if batch_norm:
                layers.append(nn.BatchNorm1d(int(size)))
            layers.append(act())
            if dropout:
                layers.append(nn.Dropout(dropout))
            width = int(size)
        self.layers = nn.Sequential(*layers)
        self.out_features = width

    def forward(self, X):
        return self.layers(X)
