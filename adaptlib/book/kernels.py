"""Jupyter kernels that cannot race for a port: ZeroMQ over IPC files instead of TCP.

jupyter_client picks a kernel's five TCP ports by binding port 0 and closing the socket; the
kernel binds them a moment later. Two kernels started at once (the runner's two workers,
nbval's two files) can be handed the same port, and one then fails to start ("Failure
starting kernel"), more often on a loaded machine. IPC endpoints are files under a folder
made for each kernel, so no two kernels can collide. Used by the runner (``kernel_manager_class``
of papermill's client) and, as a pytest plugin (``-p adaptlib.book.kernels``), by the nbval tier.
"""
from __future__ import annotations

import shutil
import tempfile
import weakref
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager, KernelManager

START_TIMEOUT = 300  # seconds; a loaded 2-core machine has taken over 60 to start one


def _ipc_settings(manager, kwargs: dict) -> dict:
    """IPC transport in a folder of the manager's own, removed when the manager goes."""
    folder = tempfile.mkdtemp(prefix="adaptlib-kernel-")
    weakref.finalize(manager, shutil.rmtree, folder, True)
    return {"transport": "ipc", "ip": str(Path(folder) / "ipc"), **kwargs}


class IPCKernelManager(KernelManager):
    """A ``KernelManager`` on IPC transport (see the module docstring)."""

    def __init__(self, **kwargs):
        super().__init__(**_ipc_settings(self, kwargs))


class AsyncIPCKernelManager(AsyncKernelManager):
    """An ``AsyncKernelManager`` (what nbclient and papermill drive) on IPC transport."""

    def __init__(self, **kwargs):
        super().__init__(**_ipc_settings(self, kwargs))


def pytest_configure(config) -> None:
    """nbval starts its kernels with ``nbval.kernel.KernelManager``: make it the IPC one."""
    import nbval.kernel

    nbval.kernel.KernelManager = IPCKernelManager
