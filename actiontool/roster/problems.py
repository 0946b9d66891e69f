"""How a checked file says what is wrong with it (the roster, the district areas): each problem with where
(line, column) and what (a code, worded by the file's own messages), and the exception carrying them all."""

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class FileProblem:
    """One reason a file (or one edit) was refused. Subclasses name their `messages`: code -> lazy text."""

    messages: ClassVar[dict] = {}

    line: int
    column: str
    code: str
    params: tuple = ()

    @property
    def message(self):
        """The problem in the current language (English outside a request)."""
        return str(self.messages[self.code]) % dict(self.params)

    def __str__(self):
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class FileInvalid(ValueError):
    """The file was refused; `problems` lists every reason."""

    def __init__(self, problems):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems
