"""Run one command and report its wall time, CPU time and peak memory as JSON.

    python bench/_measure.py [--cwd DIR] -- COMMAND ARGS...

bench/run.py starts a fresh copy of this wrapper for every timed run, so that
getrusage(RUSAGE_CHILDREN) here covers exactly one command: CPU is user +
system time of the command and every descendant it waited for (pool workers
included); peak RSS is ru_maxrss, the largest resident set of any one of those
processes (Linux reports it in KiB). Wall time includes interpreter start-up.
"""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import time


def main() -> int:
    args = sys.argv[1:]
    cwd = None
    if args[:1] == ["--cwd"]:
        cwd, args = args[1], args[2:]
    if args[:1] == ["--"]:
        args = args[1:]
    started = time.perf_counter()
    proc = subprocess.run(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({
        "rc": proc.returncode,
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "maxrss_mb": usage.ru_maxrss / 1024,
        "stdout": proc.stdout[-4000:],
        "stderr": proc.stderr[-4000:],
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
