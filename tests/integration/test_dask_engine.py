"""The Dask engine on a real cluster: a LocalCluster on 127.0.0.1 with two worker processes reads a
Parquet dataset in partitions, and the merged counts give exactly the in-memory oracle."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from adaptlib import StateSpace, exact_oracle
from adaptlib.datasets.streaming import stream_oracle

distributed = pytest.importorskip("distributed")  # the dask extra; CI's test extra installs it

pytestmark = [
    pytest.mark.slow,
    pytest.mark.integration,
    pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.reset_index"),  # inside dask's Parquet reader
]

NAMES = ["large", "small", "medium"]  # file order; the costs sort them small, medium, large
SPACE = StateSpace.from_arrays(["small", "medium", "large"], [1.0, 4.0, 9.0])


@pytest.fixture(scope="module")
def scheduler_address():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    """Five Parquet files (one of them empty) of a 1,000 x 3 matrix, with an id column."""
    folder = tmp_path_factory.mktemp("log")
    matrix = np.random.default_rng(7).random((1000, 3)) < [0.8, 0.3, 0.55]
    matrix[[10, 500, 999]] = False  # instances no state gets right
    for i, rows in enumerate(np.split(np.arange(1000), [250, 250, 600, 700])):
        frame = pd.DataFrame({"id": rows} | {n: matrix[rows, j] for j, n in enumerate(NAMES)})
        frame.to_parquet(folder / f"part-{i}.parquet", index=False)
    return folder, matrix


def assert_same_oracle(got, want):
    assert got.labels is None and got.space.names == want.space.names
    np.testing.assert_array_equal(got.space.accuracies, want.space.accuracies)
    np.testing.assert_array_equal(got.histogram, want.histogram)
    assert got.n_none == want.n_none > 0
    np.testing.assert_array_equal(got.p_e, want.p_e)
    np.testing.assert_array_equal(got.alpha, want.alpha)
    assert got.cost == want.cost and got.accuracy == want.accuracy


@pytest.mark.parametrize("cost_model", ["routing", "cascade"])
def test_the_cluster_gives_the_in_memory_oracle(scheduler_address, dataset, cost_model):
    folder, matrix = dataset
    got = stream_oracle(folder, SPACE, id_column="id", engine="dask", scheduler=scheduler_address,
                        none_correct="zero", cost_model=cost_model)
    want = exact_oracle(matrix, [9.0, 1.0, 4.0], NAMES, none_correct="zero", cost_model=cost_model)
    assert_same_oracle(got, want)


def test_without_a_scheduler_the_threads_give_the_same_oracle_on_a_glob(dataset):
    folder, matrix = dataset
    got = stream_oracle(str(folder / "part-*.parquet"), SPACE, states=["small", "large", "medium"],
                        id_column="id", engine="dask")
    assert_same_oracle(got, exact_oracle(matrix, [9.0, 1.0, 4.0], NAMES))


def test_a_bad_cell_on_a_worker_is_the_same_one_line_error(scheduler_address, tmp_path):
    frame = pd.DataFrame({"small": [1, 0, 1], "medium": [0, 1, 7], "large": [1, 1, 1]})
    frame.to_parquet(tmp_path / "bad.parquet", index=False)
    with pytest.raises(ValueError, match=r"bad.parquet, partition 0 of the dataset, column 'medium', row 3: value 7"):
        stream_oracle(tmp_path / "bad.parquet", SPACE, engine="dask", scheduler=scheduler_address)
