"""What the generator's helper processes (validation, black's workers) share."""

from __future__ import annotations

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def die_with_parent() -> None:
    """Make this helper process end when the process that started it ends.

    A parent that ends normally stops its helpers itself; one killed outright (by
    SIGKILL, or the kernel's out-of-memory killer) cannot, and black's workers would
    wait for work forever, and keep the validation process waiting with them. On
    Linux the kernel then sends SIGKILL; elsewhere nothing is done.
    """
    if sys.platform != "linux":
        return
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # no prctl here: nothing to be done
        return
    if os.getppid() != parent:  # it ended before the request was made
        os._exit(1)
