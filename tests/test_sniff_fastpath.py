"""decode_mixed's fast path: a file with no multi-byte UTF-8 sequence skips the per-line loop, same answer."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kora.readings.ingest.sniff import decode_mixed

TEXT = st.text(alphabet=st.sampled_from(list("abc;,12 äöüÄÖÜß€„“–é\r")), max_size=30)


def any_line_reads_as_utf8(data: bytes) -> bool:
    """The per-line rule of decode_mixed: a non-ASCII line that decodes as UTF-8."""
    for raw in data.split(b"\n"):
        if raw.isascii():
            continue
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        return True
    return False


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(TEXT, st.sampled_from(["cp1252", "utf-8"])), max_size=8))
def test_mixed_is_none_exactly_when_no_line_reads_as_utf8(lines: list[tuple[str, str]]) -> None:
    data = b"\n".join(text.encode(codec) for text, codec in lines)
    assert (decode_mixed(data) is None) == (not any_line_reads_as_utf8(data))


def test_plain_windows_1252_file_is_not_mixed() -> None:
    data = "Indikator;Monat;Wert;Kommentar\r\nkritik_extern;01.2025;4;Königstraße, 120 €\r\n".encode("cp1252")
    assert decode_mixed(data) is None
    both = data + "km_umgesetzt;02.2025;1;Jülicher Straße\r\n".encode()
    mixed = decode_mixed(both)
    assert mixed is not None and "Jülicher" in mixed.text and "Königstraße" in mixed.text
