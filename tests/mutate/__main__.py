"""``python -m tests.mutate``: see :mod:`tests.mutate.cli`."""

import os

# One thread per child: the children run side by side, and CPU time bounds each of them.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

from tests.mutate.cli import main  # noqa: E402  (after the thread settings, before numpy)

raise SystemExit(main())
