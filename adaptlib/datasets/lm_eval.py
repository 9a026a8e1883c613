"""lm-evaluation-harness ``--log_samples`` output as a :class:`adaptlib.datasets.user.UserLog`.

The harness writes, under its ``--output_path``, one folder per model and in it one
``samples_<task>_<timestamp>.jsonl`` per task: one JSON record per document, with ``doc_id``,
``doc``, ``target``, ``resps``, ``filtered_resps``, the ``filter`` that produced them (one record
per filter when a task has several, such as gsm8k's ``strict-match`` and ``flexible-extract``),
``doc_hash`` and the task's metrics by name (``acc``, ``exact_match``, ...), 0/1 per document for
accuracy-like metrics (EleutherAI/lm-evaluation-harness, ``lm_eval/evaluator.py``).

Each model folder is a state; an instance is one document of one task (id ``<task>:<doc_id>``);
a state is right on it when the chosen metric is 1. Every model must have the same documents
of every task read (same doc_ids, and the same ``doc_hash`` where recorded).

Taught in chapter 02 (the oracle on a user's own log); used by ``adaptlib oracle --lm-eval``.
"""
from __future__ import annotations

import json
import re
from collections.abc import Sequence
from os import PathLike
from pathlib import Path

import numpy as np

from adaptlib.datasets.user import UserLog, _in_cost_order, _listing, _matrix_costs, read_costs

_SAMPLES = re.compile(r"^samples_(?P<task>.+?)(?:_(?P<stamp>\d{4}-\d{2}-\d{2}T[0-9.\-]+))?\.jsonl$")
ID_NAME = "instance"


def load_lm_eval(
    folder: str | PathLike,
    costs_path: str | PathLike | None = None,
    *,
    metric: str = "acc",
    tasks: Sequence[str] | None = None,
    filter_name: str | None = None,
    states: Sequence[str] | None = None,
    cost_matrix: str | PathLike | None = None,
) -> UserLog:
    """Read the per-model folders of ``folder`` (``states`` picks some of them by name).

    ``tasks`` picks tasks (default: every task, which every model must have); ``filter_name``
    picks the filter when a task logs several. Costs: a ``state,cost`` file (state = model
    folder name) or a cost matrix with an ``instance`` column of ``<task>:<doc_id>`` ids.
    """
    folder = Path(folder)
    models = _model_folders(folder, states)
    files = {model: _task_files(folder / model) for model in models}
    wanted = _tasks(files, tasks)
    columns, ids = [], None
    for model in models:
        values, hashes = {}, {}
        for task in wanted:
            for doc, (value, doc_hash) in _read_samples(files[model][task], metric, filter_name).items():
                values[(task, doc)] = value
                hashes[(task, doc)] = doc_hash
        if ids is None:
            ids, reference, reference_hashes, first = sorted(values, key=_doc_order), values, hashes, model
        else:
            _same_documents(first, reference, reference_hashes, model, values, hashes)
        columns.append([values[key] for key in ids])
    matrix = np.array(columns, dtype=bool).T
    instance_ids = np.array([f"{task}:{doc}" for task, doc in ids], dtype=object)
    if (costs_path is None) == (cost_matrix is None):
        raise ValueError("give the costs of the models once: --costs FILE (state,cost; a state is a model folder's "
                         "name) or --cost-matrix FILE")
    per_instance = None
    if costs_path is not None:
        costs = read_costs(costs_path)
        no_cost = [m for m in models if m not in costs.index]
        if no_cost:
            raise ValueError(
                f"model {no_cost[0]!r} (a folder of {folder}) has no row in {costs_path}; add a row '{no_cost[0]},<cost>'"
            )
        state_costs = costs.loc[models].to_numpy(float)
    else:
        per_instance = _matrix_costs(Path(cost_matrix), models, instance_ids, ID_NAME, len(instance_ids))
        state_costs = per_instance.mean(axis=0)
        if (per_instance == per_instance[:1]).all():
            per_instance = None
    return _in_cost_order(matrix, models, state_costs, per_instance, instance_ids, ID_NAME, {})


def _model_folders(folder: Path, states: Sequence[str] | None) -> list[str]:
    if not folder.is_dir():
        raise ValueError(
            f"{folder}: not a folder; with --lm-eval give the --output_path of lm-evaluation-harness (one folder per model)"
        )
    found = sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    if states is not None:
        absent = [s for s in states if s not in found]
        if absent:
            raise ValueError(f"{folder}: no model folder {absent[0]!r} (named by --states); folders: {_listing(found)}")
        found = [m for m in found if m in set(states)]
    if len(found) < 2:
        raise ValueError(
            f"{folder}: {len(found)} model folder(s) ({', '.join(found) or 'none'}); the oracle needs at least two "
            "models, one folder each with its samples_<task>_*.jsonl files (lm_eval --log_samples)"
        )
    return found


def _task_files(model: Path) -> dict[str, Path]:
    files: dict[str, list[Path]] = {}
    for path in sorted(model.glob("samples_*.jsonl")):
        match = _SAMPLES.match(path.name)
        files.setdefault(match.group("task") if match else path.stem[len("samples_"):], []).append(path)
    if not files:
        raise ValueError(
            f"{model}: no samples_<task>_*.jsonl file; run lm_eval with --log_samples, or leave this folder out "
            "by naming the model folders with --states"
        )
    for task, paths in files.items():
        if len(paths) > 1:
            raise ValueError(
                f"{model}: {len(paths)} runs of task {task!r} ({', '.join(p.name for p in paths)}); keep one "
                "run per task in each model folder"
            )
    return {task: paths[0] for task, paths in files.items()}


def _tasks(files: dict[str, dict[str, Path]], tasks: Sequence[str] | None) -> list[str]:
    wanted = sorted(set().union(*files.values())) if tasks is None else list(tasks)
    for model, have in files.items():
        lacking = [t for t in wanted if t not in have]
        if lacking:
            raise ValueError(
                f"model {model!r} has no samples of task {lacking[0]!r} (it has: {_listing(sorted(have))}); "
                "name with --task the tasks every model ran"
            )
    return wanted


def _read_samples(path: Path, metric: str, filter_name: str | None) -> dict:
    """doc_id -> (right?, doc_hash) for the records of one filter."""
    by_filter: dict[str, dict] = {}
    with path.open(encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{path}, line {line_number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                raise ValueError(f"{where}: not a JSON record ({err.msg}); lm_eval writes one record per line") from None
            if not isinstance(record, dict) or "doc_id" not in record:
                raise ValueError(f"{where}: a record without doc_id; is this an lm_eval samples file?")
            doc = record["doc_id"]
            docs = by_filter.setdefault(str(record.get("filter", "none")), {})
            if doc in docs:
                raise ValueError(f"{where}: doc_id {doc!r} appears twice for the same filter; keep one record per document")
            docs[doc] = (_right(where, record, metric), record.get("doc_hash"))
    if not by_filter:
        raise ValueError(f"{path}: no record; the file is empty")
    if filter_name is None:
        if len(by_filter) > 1:
            raise ValueError(
                f"{path}: records of {len(by_filter)} filters ({', '.join(sorted(by_filter))}); choose one with "
                "--lm-eval-filter"
            )
        return next(iter(by_filter.values()))
    if filter_name not in by_filter:
        raise ValueError(f"{path}: no record of filter {filter_name!r} (filters: {', '.join(sorted(by_filter))})")
    return by_filter[filter_name]


def _right(where: str, record: dict, metric: str) -> bool:
    if metric not in record:
        listed = record.get("metrics") or [k for k, v in record.items()
                                           if isinstance(v, (int, float)) and k != "doc_id"]
        raise ValueError(
            f"{where}: no metric {metric!r} (this record has: {', '.join(map(str, listed)) or 'none'}); choose one "
            "with --metric"
        )
    value = record[metric]
    if isinstance(value, bool) or (isinstance(value, (int, float)) and value in (0, 1)):
        return bool(value)
    raise ValueError(
        f"{where}: metric {metric!r} is {value!r} on doc_id {record['doc_id']!r}, not 0 or 1; the oracle needs right "
        "or wrong per document: choose a 0/1 metric with --metric (acc, exact_match, ...)"
    )


def _same_documents(first: str, values: dict, hashes: dict, model: str, other: dict, other_hashes: dict) -> None:
    if values.keys() != other.keys():
        extra = sorted(set(values) - set(other), key=_doc_order) or sorted(set(other) - set(values), key=_doc_order)
        task, doc = extra[0]
        has, lacks = (first, model) if (task, doc) in values else (model, first)
        raise ValueError(
            f"the doc_ids of the models differ: {has!r} has doc_id {doc!r} of task {task!r}, {lacks!r} does not "
            f"({first!r}: {len(values):,} documents, {model!r}: {len(other):,}); run every model on the same "
            "documents (the same tasks and --limit)"
        )
    for key, doc_hash in hashes.items():
        if doc_hash is not None and other_hashes[key] is not None and other_hashes[key] != doc_hash:
            raise ValueError(
                f"doc_id {key[1]!r} of task {key[0]!r} is another document for {model!r} than for {first!r} "
                "(their doc_hash differ); run every model on the same data set version"
            )


def _doc_order(key: tuple) -> tuple:
    task, doc = key
    return (task, 0, doc, "") if isinstance(doc, int) else (task, 1, 0, str(doc))
