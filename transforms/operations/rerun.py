"""Re-run one landed file: find it in landing by the name the feedback and the workbench show, `agency/file name`.

A file already loaded is found too: it is validated and loaded again (loading replaces the agency's rows for the
period, so a second load never duplicates them).
"""

from __future__ import annotations

from pathlib import Path

from transforms.ingest.register import survey

SHOWN = 10  # at most this many of an agency's files named in a message


class NoSuchFile(LookupError):
    """No landed file (or more than one) answers to the name given: the message says what landing holds instead."""


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in str(text))


def _relative(item: dict, landing: Path) -> str:
    path = Path(item["path"])
    return path.relative_to(landing).as_posix() if path.is_relative_to(landing) else f"{item['agency']}/{path.name}"


def find(files: list[dict], landing_dir: str | Path, file: str) -> list[dict]:
    """The items of `files` ([{'path', 'agency'}] as `survey` lists them) that `file` names: its agency (the first
    part) and its file name (the last part), e.g. `police/ppn_2026-09.xlsx`; when an agency's sub-folders hold two
    files of that name, the one whose path inside landing is `file` (`police/2026-Q3/ppn_2026-09.xlsx`)."""
    landing = Path(landing_dir)
    wanted = file.strip().replace("\\", "/").strip("/")
    agency, _, rest = wanted.partition("/")
    name = rest.rsplit("/", 1)[-1]
    if not agency or not name:
        return []
    found = [item for item in files if item["agency"] == agency and Path(item["path"]).name == name]
    exact = [item for item in found if _relative(item, landing) == wanted]
    return exact if len(found) > 1 and exact else found


def landed_file(landing_dir: str | Path, file: str) -> dict:
    """The one landed file `file` names (see `find`), loaded or not, as {'path', 'agency'}; raises NoSuchFile with a
    message for the person who asked: the name's expected form, or the agency's files in landing, or the paths
    that would tell two files of that name apart."""
    landing = Path(landing_dir)
    shown = _printable(file)
    if "/" not in file.strip().replace("\\", "/").strip("/"):
        raise NoSuchFile(f"'{shown}' is not an agency and a file name: give it as agency/file name, e.g. "
                         "police/ppn_2026-09.xlsx.")
    files = survey(landing)[0]
    found = find(files, landing, file)
    if len(found) == 1:
        return found[0]
    if found:
        paths = ", ".join(_printable(_relative(item, landing)) for item in found)
        raise NoSuchFile(f"'{shown}' names {len(found)} landed files ({paths}): give the one to run again by its "
                         "path inside landing.")
    agency = file.strip().replace("\\", "/").strip("/").split("/", 1)[0]
    theirs = sorted(_printable(_relative(item, landing)) for item in files if item["agency"] == agency)
    held = (f"landing/{_printable(agency)}/ holds {len(theirs)} file(s): {', '.join(theirs[:SHOWN])}"
            f"{', ...' if len(theirs) > SHOWN else ''}" if theirs else f"landing/{_printable(agency)}/ holds no file")
    raise NoSuchFile(f"No landed file '{shown}' to run again: {held}. It may have been moved or removed since it "
                     "was loaded; drop it into the agency's landing folder again, or name a file that is there.")
