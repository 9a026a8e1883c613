"""The chunked engine (adaptlib.datasets.streaming): CSV and Parquet read in chunks give exactly
the oracle of the whole matrix, write the same labels, and refuse bad input in one line."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from adaptlib import StateSpace, exact_oracle
from adaptlib.cli import main, missing_dependency
from adaptlib.datasets.streaming import stream_oracle

COSTS = {"A": 1.0, "B": 3.0, "C": 10.0, "D": 5.0}
FILE_ORDER = ["C", "A", "D", "B"]  # not the cost order A, B, D, C: the costs decide it


def random_matrix(rows: int, seed: int) -> np.ndarray:
    matrix = np.random.default_rng(seed).random((rows, len(FILE_ORDER))) < [0.5, 0.3, 0.4, 0.35]
    matrix[rows // 2] = False  # an instance no state gets right
    return matrix


def write_matrix(path: Path, matrix: np.ndarray, **extra_columns) -> Path:
    frame = pd.DataFrame(extra_columns | dict(zip(FILE_ORDER, matrix.T)))
    if path.suffix == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.astype({c: int for c in FILE_ORDER}).to_csv(path, index=False)
    return path


def write_costs(path: Path, costs: dict = COSTS) -> Path:
    path.write_text("state,cost\n" + "".join(f"{s},{c}\n" for s, c in costs.items()))
    return path


def assert_same_oracle(got, want):
    assert got.labels is None and got.space.names == want.space.names
    np.testing.assert_array_equal(got.space.accuracies, want.space.accuracies)
    np.testing.assert_array_equal(got.histogram, want.histogram)
    assert got.n_none == want.n_none and got.n_instances == want.n_instances
    np.testing.assert_array_equal(got.p_e, want.p_e)
    np.testing.assert_array_equal(got.alpha, want.alpha)
    assert got.cost == want.cost and got.accuracy == want.accuracy


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
@pytest.mark.parametrize("chunk_rows", [1, 7, 100_000])  # one row, a ragged last chunk, one chunk
def test_chunks_give_the_oracle_and_labels_of_the_whole_matrix(tmp_path, suffix, chunk_rows):
    matrix = random_matrix(52, seed=chunk_rows)
    source = write_matrix(tmp_path / f"log{suffix}", matrix)
    labels = tmp_path / "labels.csv"
    got = stream_oracle(source, write_costs(tmp_path / "costs.csv"), chunk_rows=chunk_rows,
                        none_correct="largest", cost_model="cascade", labels_path=labels)
    want = exact_oracle(matrix, [COSTS[s] for s in FILE_ORDER], FILE_ORDER, none_correct="largest",
                        cost_model="cascade")
    assert_same_oracle(got, want)
    written = pd.read_csv(labels, keep_default_na=False)
    assert written.columns.tolist() == ["row", "state"]
    assert written["row"].tolist() == list(range(1, 53))
    assert written["state"].tolist() == want.label_names().tolist()
    assert "none" in written["state"].tolist()


def test_a_parquet_folder_or_glob_is_one_log_with_ids_across_its_files(tmp_path):
    matrix = random_matrix(40, seed=3)
    folder = tmp_path / "log"
    (folder / "day=2").mkdir(parents=True)
    ids = np.array([f"q{i}" for i in range(40)])
    for name, rows in [("day=1.parquet", slice(0, 13)), ("day=2/part.parquet", slice(13, 13)),
                       ("day=2/zpart.parquet", slice(13, 40))]:  # the middle file holds no row
        write_matrix(folder / name, matrix[rows], id=ids[rows])
    (folder / "_SUCCESS").write_text("")  # a marker some writers leave: not data
    space = StateSpace.from_arrays(list(COSTS), list(COSTS.values()))
    want = exact_oracle(matrix, [COSTS[s] for s in FILE_ORDER], FILE_ORDER)
    labels = tmp_path / "labels.parquet"
    assert_same_oracle(stream_oracle(folder, space, id_column="id", chunk_rows=5, labels_path=labels), want)
    written = pd.read_parquet(labels)
    assert written["id"].tolist() == ids.tolist()
    assert written["state"].tolist() == want.label_names().tolist()
    assert_same_oracle(stream_oracle(str(folder / "**" / "*.parquet"), space, id_column="id"), want)


def test_files_may_order_their_columns_differently_and_a_stored_pandas_index_is_no_state(tmp_path):
    matrix = random_matrix(20, seed=5)
    want = exact_oracle(matrix, [COSTS[s] for s in FILE_ORDER], FILE_ORDER)
    pd.DataFrame(dict(zip(FILE_ORDER, matrix[:12].T.astype(int)))).to_csv(tmp_path / "log-1.csv", index=False)
    second = pd.DataFrame(dict(zip(FILE_ORDER, matrix[12:].T.astype(int))))
    second[FILE_ORDER[::-1]].to_csv(tmp_path / "log-2.csv", index=False)
    costs = write_costs(tmp_path / "costs.csv")
    assert_same_oracle(stream_oracle(str(tmp_path / "log-*.csv"), costs, chunk_rows=5), want)
    indexed = pd.DataFrame(dict(zip(FILE_ORDER, matrix.T)), index=pd.Index([f"q{i}" for i in range(20)], name="q"))
    indexed.to_parquet(tmp_path / "indexed.parquet")  # pandas stores the index as a column q
    assert_same_oracle(stream_oracle(tmp_path / "indexed.parquet", costs), want)


def test_states_and_an_id_column_select_the_columns_read(tmp_path):
    matrix = random_matrix(30, seed=4)
    source = write_matrix(tmp_path / "log.csv", matrix, id=np.arange(100, 130), prompt=["a, quoted text"] * 30)
    costs = write_costs(tmp_path / "costs.csv", COSTS | {"E": 20.0})  # a cost for a state not read
    labels = tmp_path / "labels.csv"
    got = stream_oracle(source, costs, states=["B", "A", "C"], id_column="id", chunk_rows=4, labels_path=labels)
    keep = [FILE_ORDER.index(s) for s in ("C", "A", "B")]
    want = exact_oracle(matrix[:, keep], [10.0, 1.0, 3.0], ["C", "A", "B"])
    assert_same_oracle(got, want)
    written = pd.read_csv(labels)
    assert written["id"].tolist() == list(range(100, 130))
    assert written["state"].tolist() == want.label_names().tolist()


@pytest.mark.parametrize("content, options, message", [
    ("A,B,C,D\n1,0,1,0\n0,1,1,1\n1,1,x,0\n", {"chunk_rows": 2}, "log.csv, column 'C', row 3: value 'x'; every cell"),
    ("A,B,C,D\n1,0,1,0\n0,1,1,1\n1,1,0,0,1\n", {"chunk_rows": 2}, "log.csv, line 4: 5 fields, but the header has 4"),
    ("A,B,C,D,E\n1,0,1,0,1\n", {}, "state 'E' is a column of .*log.csv but has no row in .*costs.csv"),
    ("A,B,C\n1,0,1\n", {}, "state 'D' has a cost in .*costs.csv but no column in .*log.csv"),
    ("A,B,C,D\n1,0,1,0\n", {"states": ["A", "F"]}, "state 'F' of --states has no row in"),
    ("A,B,C,D\n1,0,1,0\n", {"states": ["A"]}, "only one state column"),
    ("A,B,C,D\n1,0,1,0\n", {"id_column": "doc_id"}, "no column 'doc_id' for the instance ids"),
    ("A,B,C,D\n", {}, "the header names states but there are no rows"),
    ("A,B,A,D\n1,0,1,0\n", {}, "column name.s. repeated in the header: A"),
    ("", {}, "the file is empty"),
    ("A,B,C,D\n1,0,1,0\n", {"chunk_rows": 0}, "chunk_rows must be a whole number of rows >= 1"),
    ("A,B,C,D\n1,0,1,0\n", {"engine": "spark"}, "engine must be one of chunked, dask"),
    ("A,B,C,D\n1,0,1,0\n", {"scheduler": "tcp://host:8786"}, "is for the dask engine; add --engine dask"),
])
def test_bad_csv_input_is_refused_in_one_line_and_leaves_no_labels(tmp_path, content, options, message):
    source = tmp_path / "log.csv"
    source.write_text(content)
    labels = tmp_path / "labels.csv"
    with pytest.raises(ValueError, match=message) as raised:
        stream_oracle(source, write_costs(tmp_path / "costs.csv"), labels_path=labels, **options)
    assert "\n" not in str(raised.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["costs.csv", "log.csv"]  # no labels, no .partial


def test_bad_parquet_input_names_its_file_column_and_row(tmp_path):
    costs = write_costs(tmp_path / "costs.csv")
    frame = pd.DataFrame({"A": [True, True, None], "B": [1, 0, 1], "C": ["true", "0", "1"], "D": [0.0, 1.0, 1.0]})
    frame.to_parquet(tmp_path / "nulls.parquet")
    with pytest.raises(ValueError, match=r"nulls.parquet, column 'A', row 3: an empty cell"):
        stream_oracle(tmp_path / "nulls.parquet", costs)
    frame.assign(A=True, B=[1, 2, 1]).to_parquet(tmp_path / "two.parquet")
    with pytest.raises(ValueError, match=r"two.parquet, column 'B', row 2: value 2; every cell"):
        stream_oracle(tmp_path / "two.parquet", costs)
    folder = tmp_path / "log"
    folder.mkdir()
    frame.assign(A=True).to_parquet(folder / "1.parquet")
    frame.assign(A=True).drop(columns="D").to_parquet(folder / "2.parquet")
    with pytest.raises(ValueError, match=r"state 'D' has a cost in .*costs.csv but no column in .*2.parquet"):
        stream_oracle(folder, costs)
    (tmp_path / "fake.parquet").write_text("A,B\n1,0\n")
    with pytest.raises(ValueError, match=r"fake.parquet: cannot read the correctness matrix file"):
        stream_oracle(tmp_path / "fake.parquet", costs)
    with pytest.raises(ValueError, match=r"the pattern matches no file"):
        stream_oracle(str(tmp_path / "none-*.parquet"), costs)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match=r"the folder holds no Parquet file"):
        stream_oracle(tmp_path / "empty", costs)


def test_the_labels_file_never_overwrites_the_log(tmp_path):
    source = write_matrix(tmp_path / "log.csv", random_matrix(5, seed=1))
    with pytest.raises(ValueError, match="would overwrite the input"):
        stream_oracle(source, write_costs(tmp_path / "costs.csv"), labels_path=source)
    with pytest.raises(ValueError, match="does not exist; create it or give another --labels path"):
        stream_oracle(source, tmp_path / "costs.csv", labels_path=tmp_path / "no" / "labels.csv")
    with pytest.raises(ValueError, match="the dask engine writes no labels file"):
        stream_oracle(source, tmp_path / "costs.csv", engine="dask", labels_path=tmp_path / "labels.csv")


def test_without_dask_the_engine_says_which_extra_to_install(tmp_path, monkeypatch, capsys):
    source = write_matrix(tmp_path / "log.parquet", random_matrix(5, seed=2))
    costs = write_costs(tmp_path / "costs.csv")
    for name in [m for m in sys.modules if m == "dask" or m.startswith("dask.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "dask", None)  # `import dask` now fails as if it were not installed
    with pytest.raises(ImportError) as raised:
        stream_oracle(source, costs, engine="dask")
    assert raised.value.name == "dask"
    message = ("adaptlib oracle: needs the Python module 'dask', which is not installed; "
               "install the dask extra: pip install 'adaptlib[dask]'")
    assert missing_dependency("oracle", raised.value) == message
    assert main(["oracle", str(source), "--costs", str(costs), "--engine", "dask"]) == 2
    assert capsys.readouterr() == ("", message + "\n")
