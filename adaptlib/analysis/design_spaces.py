"""The named state spaces that the analyses of Sec. 4 run on (chapters 06-08): the public
families and envelopes of data/, or a user's table of states."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from adaptlib.core.states import StateSpace
from adaptlib.datasets import digits, public
from adaptlib.datasets.user import read_state_space

SPACES = ("imagenet", "hellaswag", "efficientnet", "vit", "pythia", "llama2",
          "width", "resolution", "mixed")
# Classes C of Eq. 16: ImageNet-1K has 1,000; HellaSwag offers four endings (a random guess is
# right 1/4 of the time); the digits are 0-9.
N_CLASSES = {"imagenet": 1000, "efficientnet": 1000, "vit": 1000,
             "hellaswag": 4, "pythia": 4, "llama2": 4,
             "width": 10, "resolution": 10, "mixed": 10}
LABELS = {"imagenet": "ImageNet envelope", "hellaswag": "HellaSwag envelope",
          "efficientnet": "EfficientNet", "vit": "ViT", "pythia": "Pythia", "llama2": "Llama-2",
          "width": "digits: width", "resolution": "digits: resolution",
          "mixed": "digits: mixed (Pareto)"}


# ----------------------------------------------------------------------------- state spaces
@dataclass(frozen=True, eq=False)
class NamedSpace:
    """A state space with what the chapters print beside it.

    ``space`` meets Eq. 2-3 (dominated states dropped, listed in ``dropped``); ``unit`` is its
    cost unit (GMACs for ImageNet, GFLOPs for HellaSwag, FLOPs per image for the digits);
    ``n_classes`` is C of Eq. 16.
    """

    name: str
    label: str
    space: StateSpace
    unit: str
    n_classes: int
    dropped: tuple[str, ...]


def named_space(name: str, *, pool: str | None = None) -> NamedSpace:
    """One of :data:`SPACES`: a public envelope (``pool`` picks its model pool, see
    :func:`adaptlib.datasets.public.envelope_pools`), a public family (default accuracy source), or a
    digits family (measured out-of-fold accuracies), with dominated states dropped."""
    if name not in SPACES:
        raise ValueError(f"space {name!r} is unknown; accepted: {', '.join(SPACES)}")
    if pool is not None and name not in public.ENVELOPES:
        raise ValueError(f"pool={pool!r} only applies to the envelopes "
                         f"{', '.join(public.ENVELOPES)}, not to {name!r}")
    if name in public.ENVELOPES:
        full, unit = public.load_envelope(name, pool), public.cost_unit(name)
    elif name in public.FAMILIES:
        full, unit = public.load_public_family(name), public.cost_unit(name)
    else:
        full, unit = digits.load_family(name).space, "FLOPs"
    kept = full.pareto()
    dropped = tuple(n for n in full.names if n not in set(kept.names))
    return NamedSpace(name, LABELS[name], kept, unit, N_CLASSES[name], dropped)


def custom_space(path: str, n_classes: int = 2) -> NamedSpace:
    """A user's ``state,cost,accuracy`` CSV (accuracies as fractions) as a NamedSpace."""
    full = read_state_space(path)
    full.require_accuracies(f"the state space in {path}")
    kept = full.pareto()
    dropped = tuple(n for n in full.names if n not in set(kept.names))
    return NamedSpace("custom", "your space", kept, "cost units", n_classes, dropped)


def short_names(names: Sequence[str]) -> tuple[str, ...]:
    """Names for tables and figures: ``timm:caformer_m36.sail_in22k_ft_in1k@224`` becomes
    ``caformer_m36@224``, ``torchvision:ViT_B_16_Weights.X`` becomes ``ViT_B_16``, and
    ``org/model`` becomes ``model``. A shortened name that would repeat keeps its full form."""
    short = []
    for name in names:
        text = re.sub(r"^(timm|torchvision):", "", name)
        text = re.sub(r"\.[^@]*(@\d+)$", r"\1", text)  # timm: drop the pretrained tag
        text = re.sub(r"_Weights\..*$", "", text)  # torchvision: drop the weight enum
        short.append(text.rsplit("/", 1)[-1])
    return tuple(s if short.count(s) == 1 else n for s, n in zip(short, names))
