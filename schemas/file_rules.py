"""FILE rules: why a whole file is refused (quarantined, nothing loaded), each with a stable id and a message for
the person who sent it. The detail of the case (which sheet, which column, how many rows) follows the message.

Row rules live beside each return's contract; these apply to any file, whatever return it holds.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileRule:
    """One reason to refuse a whole file: id `FILE-NNN`, and what the sender should do about it."""

    rule_id: str
    title: str
    message: str


UNREADABLE = FileRule("FILE-001", "could not be opened",
                      "The file could not be opened as a spreadsheet (xlsx, xls, ods) or a CSV file. "
                      "Save it from Excel as an Excel Workbook (.xlsx) and send it again.")
EMPTY = FileRule("FILE-002", "empty", "The file is empty: it holds no cells at all. Check you attached the right "
                 "file.")
ENCRYPTED = FileRule("FILE-003", "password-protected",
                     "The file is password-protected or encrypted, so it cannot be read. Remove the password "
                     "(File > Info > Protect Workbook) and send it through the secure landing folder instead.")
MACROS = FileRule("FILE-004", "macro-enabled",
                  "The file is a macro-enabled workbook (.xlsm or a workbook holding VBA). Macro files are not "
                  "accepted: save it as an Excel Workbook (.xlsx) and send it again.")
TOO_LARGE = FileRule("FILE-005", "too large", "The file is larger than the limit for one return. Check it holds "
                     "only this quarter's return (no images or other data) and send it again.")
TOO_MANY_ROWS = FileRule("FILE-006", "too many rows", "The file has more rows than the limit for one return. "
                         "Check it holds only this return's records, or split it and talk to the partnership "
                         "data team.")
ZIP_BOMB = FileRule("FILE-007", "unsafe compression",
                    "The file's compressed content expands far beyond a normal spreadsheet, or its sizes do not "
                    "match its content, so it was not opened. Save it again from Excel and resend it.")
NO_TABLE = FileRule("FILE-008", "no recognisable table",
                    "No table we recognise was found: check the header row names the columns of the return "
                    "(see the template).")
MISSING_COLUMN = FileRule("FILE-009", "required column missing",
                          "A column the return requires is missing, so no row can be loaded. Add the column "
                          "(see the template) and send the whole return again.")
NO_ROWS = FileRule("FILE-010", "no data rows", "The file has a header row but no data rows.")
WRONG_FOLDER = FileRule("FILE-011", "wrong folder", "The file holds another agency's return. Send it from the "
                        "right agency's landing folder.")
WRONG_PERIOD = FileRule("FILE-012", "another period",
                        "The file's dates do not belong to the quarter being collected. Check you sent this "
                        "quarter's return (the last 24 months up to the end of the quarter).")
DUPLICATE_COLUMN = FileRule("FILE-013", "duplicated column",
                            "Two columns have headers that mean the same field, so we cannot tell which one to "
                            "load. Remove or rename one of them and send the file again.")
MONTH_FIRST_DATES = FileRule("FILE-014", "month-first dates",
                             "Dates are written month first (US style, e.g. 07/25/2026), so every date like "
                             "03/04/2026 is ambiguous. Use day first (DD/MM/YYYY) or date cells and send the "
                             "file again.")

NOT_A_FILE = FileRule("FILE-015", "not a regular file",
                      "This is a link, a pipe or a device, not a file, so it was not opened or followed (a link could "
                      "point anywhere on the server). Put the file itself in the landing folder.")
NO_AGENCY_FOLDER = FileRule("FILE-016", "no agency folder",
                            "The file was put at the top of the landing folder, where no agency's folder says who "
                            "sent it, so it was not read. Move it into your agency's folder.")

FILE_RULES: tuple[FileRule, ...] = (UNREADABLE, EMPTY, ENCRYPTED, MACROS, TOO_LARGE, TOO_MANY_ROWS, ZIP_BOMB,
                                    NO_TABLE, MISSING_COLUMN, NO_ROWS, WRONG_FOLDER, WRONG_PERIOD, DUPLICATE_COLUMN,
                                    MONTH_FIRST_DATES, NOT_A_FILE, NO_AGENCY_FOLDER)


class FileProblem(Exception):
    """A whole file is refused under `rule`; `detail` says what exactly was found."""

    def __init__(self, rule: FileRule, detail: str = ""):
        self.rule = rule
        self.detail = detail
        super().__init__(self.text)

    @property
    def text(self) -> str:
        """The message the sender reads: the rule's message, then the detail."""
        return f"{self.rule.message} {self.detail}".strip()
