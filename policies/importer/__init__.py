"""Import the verbatim policy documents in ``fixtures/sources/`` into the catalogue.

The pipeline, one module a step:

``cleaning``   bytes → lines: decode, strip page chrome, apply errata, remove pinyin
               annotations, traditional → simplified, punctuation, join hard-wrapped lines
``errata``     the curated corrections of ``fixtures/errata.toml``
``parsing``    lines → a ``ParsedDocument``: front matter, chapters, measures and their fields
``fields``     the field parsers: amounts, deadlines, departments, contacts, titles
``loader``     ``ParsedDocument`` → database rows, idempotently, keeping staff edits

A source that does not parse raises ``SourceError`` naming the file and line; the loader
parses every source before it writes anything, inside one transaction.
"""


class SourceError(Exception):
    """A source file that cannot be imported; names the file and the line."""

    def __init__(self, source: str, line: int | None, message: str):
        self.source = source
        self.line = line
        self.message = message
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {message}")
