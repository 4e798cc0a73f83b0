"""Writing files so that no reader, and no second writer of the same file, ever sees half of one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_write(path: Path) -> Iterator[Path]:
    """Yield a fresh temporary path beside `path`; when the block succeeds, rename it over `path`.

    On failure (a full disk) the temporary file is removed and `path` keeps what it had. Two processes writing
    the same file (two copies of one submission ingested at once) each rename a complete file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    os.close(handle)
    try:
        yield Path(temporary)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
