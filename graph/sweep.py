"""One PageRank sweep, ``y = A^T z``, in parallel over row blocks of the graph's CSR.

The sweep is the whole cost of a PageRank iteration (``graph.pagerank``); scipy's CSR
kernel does it, and releasing the GIL lets row blocks of equal edge counts run on their
own threads. Measured against the memory-bandwidth floor in ``docs/benchmarks.md``.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.sparse as sp

__all__ = ["Sweeper"]

# Below this many edges a sweep takes well under a millisecond: threads would only add
# overhead.
_PARALLEL_MIN_EDGES = 1_000_000
_pool: ThreadPoolExecutor | None = None


def _threads() -> int:
    try:
        return max(1, min(4, len(os.sched_getaffinity(0))))
    except AttributeError:
        return max(1, min(4, os.cpu_count() or 1))


class Sweeper:
    """``y = A^T z`` over row blocks of equal edge counts, one thread each.

    scipy's CSR kernel releases the GIL, so row blocks run in parallel; each block writes
    its own slice of the result, so no reduction is needed. A sweep is bound by memory
    traffic and random reads of ``z``, not arithmetic (``docs/benchmarks.md``).
    """

    def __init__(self, at: sp.csr_array, threads: int | None = None) -> None:
        n = at.shape[0]
        threads = threads or _threads()
        if at.nnz < _PARALLEL_MIN_EDGES or threads == 1:
            self.blocks = [(0, n, at)]
        else:
            cuts = np.searchsorted(at.indptr, np.linspace(0, at.nnz, threads + 1)[1:-1])
            bounds = [0, *sorted(set(int(c) for c in cuts)), n]
            self.blocks = []
            for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
                a, b = at.indptr[lo], at.indptr[hi]
                part = sp.csr_array(
                    (at.data[a:b], at.indices[a:b], at.indptr[lo : hi + 1] - a),
                    shape=(hi - lo, at.shape[1]),
                )
                self.blocks.append((lo, hi, part))
        self.n = n

    def __call__(self, z: np.ndarray) -> np.ndarray:
        if len(self.blocks) == 1:
            return self.blocks[0][2] @ z
        global _pool
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=_threads(), thread_name_prefix="pagerank")
        out = np.empty(self.n, dtype=np.result_type(z.dtype, np.float64))

        def run(block: tuple[int, int, sp.csr_array]) -> None:
            lo, hi, part = block
            out[lo:hi] = part @ z

        for future in [_pool.submit(run, b) for b in self.blocks]:
            future.result()
        return out
