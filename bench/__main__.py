"""`make bench`: run every benchmark in bench/ and print figure, baseline and ratio."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    print(f"{'benchmark':<44} {'figure':>12} {'baseline':>12} {'ratio':>7}")
    package = Path(__file__).parent
    for module_info in sorted(pkgutil.iter_modules([str(package)]), key=lambda m: m.name):
        if not module_info.name.startswith("bench_"):
            continue
        module = importlib.import_module(f"bench.{module_info.name}")
        for name, figure, baseline, unit in module.run():
            print(
                f"{name:<44} {figure:>9.3f} {unit:<2} {baseline:>9.3f} {unit:<2} {figure / baseline:>6.2f}x"
            )


if __name__ == "__main__":
    main()
