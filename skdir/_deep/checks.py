"""Checks of tensor values that cost no host-device sync on an accelerator.

Reading a value computed on a GPU back to Python waits for the GPU: one
sync per batch would stall a training loop. On the CPU a check raises a
ValueError with the details; on an accelerator the condition is asserted
asynchronously (``torch._assert_async``): a violation stops the program at
a later kernel launch with the brief message, as an indexing error would,
but named.
"""

import torch

__all__ = ["check_values"]


def check_values(ok, brief, details=None):
    """Raise when the boolean tensor ``ok`` is False.

    Parameters
    ----------
    ok : Tensor of shape ()
        The condition, computed on the data's device.
    brief : str
        The message on an accelerator (asserted there without a sync).
    details : callable or None, default=None
        Returns the message of the CPU's ValueError (it may read values
        back; it runs only when the check fails). None uses ``brief``.
    """
    if ok.device.type == "cpu":
        if not bool(ok):
            raise ValueError(brief if details is None else details())
    else:
        torch._assert_async(ok, brief)
