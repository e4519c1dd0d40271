"""`python -m bench`: run every bench/*.py module's `main()` in turn (name order)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
import traceback

import bench


def modules() -> list[str]:
    return sorted(
        f"bench.{info.name}"
        for info in pkgutil.iter_modules(bench.__path__)
        if not info.name.startswith("_") and not info.ispkg
    )


def run(selected: list[str]) -> int:
    """Run each benchmark; one failing does not stop the others. Returns how many failed."""
    failed = 0
    for name in modules():
        if selected and name.removeprefix("bench.") not in selected:
            continue
        main = getattr(importlib.import_module(name), "main", None)
        if main is None:
            continue
        print(f"\n=== {name} ===", flush=True)
        started = time.perf_counter()
        try:
            main()
        except Exception:
            traceback.print_exc()
            failed += 1
        print(f"--- {name}: {time.perf_counter() - started:.1f} s", flush=True)
    return failed


if __name__ == "__main__":
    sys.exit(1 if run(sys.argv[1:]) else 0)
