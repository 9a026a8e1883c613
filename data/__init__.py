"""The book's data tables as the package ``adaptlib.datasets.data``, so that ``pip install``
carries them with adaptlib (see pyproject.toml and adaptlib/datasets/locate.py)."""
