"""Which modules are mutated, and a seeded sample of their mutants."""

from __future__ import annotations

import random
from pathlib import Path

from tests.mutate.mutants import Mutant, MutantError, count_sites, mutants

DEFAULT_TARGETS = ("engine/rules/*.py", "engine/orders.py")
"""The rules and the orders: every module of ``engine/rules/`` and ``engine/orders.py``."""


def module_name(target: str, root: Path) -> str:
    """A module's dotted name from its path (``engine/rules/air.py`` is
    ``frontlines.engine.rules.air``: the repository's top-level folders are installed under
    ``frontlines``) or its dotted name."""
    if target.endswith(".py"):
        path = Path(target)
        relative = path.resolve().relative_to(root.resolve()) if path.is_absolute() else path
        parts = relative.with_suffix("").parts
        return ".".join(parts if parts[0] == "frontlines" else ("frontlines", *parts))
    return target


def default_modules(root: Path) -> list[str]:
    """The default targets, in a fixed order (package ``__init__`` files hold no rules)."""
    paths = sorted({p for pattern in DEFAULT_TARGETS for p in root.glob(pattern)})
    return [
        module_name(p.relative_to(root).as_posix(), root) for p in paths if p.stem != "__init__"
    ]


def quotas(sizes: dict[str, int], total: int) -> dict[str, int]:
    """Split ``total`` mutants over modules in proportion to their sites (largest remainders,
    ties to the module named first)."""
    population = sum(sizes.values())
    if total >= population:
        return dict(sizes)
    exact = {m: total * n / population for m, n in sizes.items()}
    share = {m: int(x) for m, x in exact.items()}
    by_remainder = sorted(sizes, key=lambda m: (-(exact[m] - share[m]), list(sizes).index(m)))
    for module in by_remainder[: total - sum(share.values())]:
        share[module] += 1
    return share


def sample(modules: list[str], count: int | None, seed: int) -> list[Mutant]:
    """``count`` mutants of ``modules`` (every one if ``None``); the same seed and the same
    code give the same mutants."""
    sizes = {m: count_sites(m) for m in modules}
    if not any(sizes.values()):
        raise MutantError(f"no mutation sites in {', '.join(modules)}")
    wanted = quotas(sizes, sum(sizes.values()) if count is None else count)
    chosen: list[Mutant] = []
    for module in modules:
        indices = range(sizes[module])
        picked = sorted(random.Random(f"{seed}:{module}").sample(indices, wanted[module]))
        chosen += mutants(module, picked)
    return chosen


def find(mutant_id: str) -> Mutant:
    """The mutant named ``module#index``."""
    module, _, number = mutant_id.partition("#")
    if not number.isdigit():
        raise MutantError(f"a mutant id is MODULE#NUMBER, not {mutant_id!r}")
    size = count_sites(module)
    if int(number) >= size:
        raise MutantError(f"{module} has {size} mutants, numbered 0 to {size - 1}")
    return mutants(module, [int(number)])[0]
