"""What every scripts/bench_*.py measures with: CPU time of this process."""

import resource


def cpu() -> float:
    """User + system CPU seconds of this process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(function, *args) -> float:
    """CPU seconds ``function(*args)`` took."""
    start = cpu()
    function(*args)
    return cpu() - start
