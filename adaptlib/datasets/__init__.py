"""Every file adaptlib reads: the public tables, the per-instance families (the loader, apart
from the model zoo that regenerates them), a user's correctness matrix and costs. The data are
found by :mod:`adaptlib.datasets.locate`."""
