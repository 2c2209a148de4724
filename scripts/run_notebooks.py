"""Executes every notebook in the given folder (default: notebooks/) in a fresh kernel, in the
notebook's own folder, without writing outputs back. Exits non-zero if any cell fails.

    python scripts/run_notebooks.py [folder] [--timeout SECONDS]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", nargs="?", default="notebooks")
    parser.add_argument("--timeout", type=int, default=900, help="per cell, seconds")
    args = parser.parse_args()

    notebooks = sorted(
        p for p in Path(args.folder).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
    )
    if not notebooks:
        print(f"notebooks: none in {args.folder}/, nothing to execute")
        return 0

    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    failed = []
    for path in notebooks:
        start = time.monotonic()
        notebook = nbformat.read(path, as_version=4)
        client = NotebookClient(
            notebook,
            timeout=args.timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
        )
        try:
            client.execute()
        except CellExecutionError as err:
            failed.append(path)
            print(f"notebook FAILED: {path} ({time.monotonic() - start:.1f}s)\n{err}", flush=True)
            continue
        except Exception as err:  # a kernel that dies, a timeout, ...
            failed.append(path)
            print(f"notebook FAILED: {path}: {type(err).__name__}: {err}", flush=True)
            continue
        cells = sum(1 for cell in notebook.cells if cell.cell_type == "code")
        print(f"notebook ok: {path} ({cells} code cells, {time.monotonic() - start:.1f}s)", flush=True)

    passed = len(notebooks) - len(failed)
    print(f"notebooks: {passed} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
