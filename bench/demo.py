"""Wall time of `dataready demo` (a full offline interview, process start to report). Run: `python bench/demo.py`."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time

RUNS = 3


def main() -> None:
    times = []
    for seed in range(RUNS):
        with tempfile.TemporaryDirectory() as home:
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "interview_lib.cli", "demo", "--seed", str(seed)],
                check=True,
                capture_output=True,
                env={"DATAREADY_HOME": home, "PATH": "/usr/bin:/bin"},
            )
            times.append(time.perf_counter() - started)
    print(f"demo wall time over {RUNS} runs: median {statistics.median(times):.1f} s, max {max(times):.1f} s")


if __name__ == "__main__":
    main()
