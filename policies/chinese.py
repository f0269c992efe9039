"""Traditional → simplified Chinese, the one way the portal converts.

One OpenCC converter (config ``t2s``) serves the importer's cleaning, the taxonomy's
classification and the search's query normalisation, so that stored text and queries are
converted alike. It is created on first use (loading its dictionaries takes a moment), once,
even when the first searches arrive in several threads at the same time.
"""

import threading

OPENCC_CONFIG = "t2s"

_converter = None
_converter_lock = threading.Lock()


def _t2s():
    global _converter
    if _converter is None:
        with _converter_lock:
            if _converter is None:
                import opencc

                _converter = opencc.OpenCC(OPENCC_CONFIG)
    return _converter


def to_simplified(text: str) -> str:
    """``text`` in simplified characters.

    >>> to_simplified("補貼")
    '补贴'
    """
    return _t2s().convert(text)
