"""Input decoding: exact text out of UTF-8/UTF-16/CP949 bytes, errors for the rest.

And the other side of file I/O: the one atomic writer every output uses.
"""

from __future__ import annotations

import io
import os
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kgov_ner.text.files import atomic_write, write_text_atomic
from kgov_ner.text.reading import Decoded, InputError, decode_bytes, read_text

SENTENCE = "송파구는 4500만 원을 확보했다."
MONEY = "4500만 원"
MONEY_START = 5  # SENTENCE.index(MONEY) in the text, i.e. after any BOM

ENCODINGS = [
    # (how the bytes are made, encoding reported)
    (lambda s: s.encode("utf-8"), "utf-8"),
    (lambda s: b"\xef\xbb\xbf" + s.encode("utf-8"), "utf-8-sig"),
    (lambda s: b"\xff\xfe" + s.encode("utf-16-le"), "utf-16-le"),
    (lambda s: b"\xfe\xff" + s.encode("utf-16-be"), "utf-16-be"),
    (lambda s: s.encode("cp949"), "cp949"),
    (lambda s: s.encode("euc-kr"), "cp949"),  # EUC-KR is a subset of CP949
]
ENCODING_IDS = ["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "cp949", "euc-kr"]


@pytest.mark.parametrize("encode, reported", ENCODINGS, ids=ENCODING_IDS)
def test_round_trip_file(tmp_path, encode, reported):
    path = tmp_path / "news.txt"
    path.write_bytes(encode(SENTENCE))
    decoded = read_text(path)
    assert decoded == Decoded(SENTENCE, reported)
    # offsets index the decoded text, BOM or not
    assert decoded.text[MONEY_START : MONEY_START + len(MONEY)] == MONEY


@pytest.mark.parametrize("encode, reported", ENCODINGS, ids=ENCODING_IDS)
def test_round_trip_bytes_and_crlf(encode, reported):
    text = "광진구(구청장 김선갑)가\r\n우수구로 선정됐다.\r\n\n끝\r"
    decoded = decode_bytes(encode(text), "x.txt")
    assert decoded.text == text  # CR and CRLF untouched
    assert decoded.encoding == reported


def test_bom_is_stripped_and_offsets_count_after_it(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + SENTENCE.encode())
    decoded = read_text(path)
    assert not decoded.text.startswith("\ufeff")
    assert decoded.text.index(MONEY) == MONEY_START
    assert decoded.text[0] == "송"


def test_crlf_preserved_from_file(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes("송파구는\r\n4500만 원\r\n".encode())
    assert read_text(path).text == "송파구는\r\n4500만 원\r\n"


def test_no_unicode_normalisation():
    nfd = "\u1109\u1169\u11bc\u1111\u1161\u1100\u116e"  # 송파구 as conjoining jamo
    decoded = decode_bytes(nfd.encode(), "nfd.txt")
    assert decoded.text == nfd
    assert len(decoded.text) == 7


def test_empty_file_is_empty_text(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert read_text(path) == Decoded("", "utf-8")


def _error(data: bytes, name: str = "dir/x.txt") -> InputError:
    with pytest.raises(InputError) as info:
        decode_bytes(data, name)
    return info.value


def _assert_one_line_naming(error: InputError, name: str) -> str:
    message = str(error)
    assert isinstance(error, ValueError)
    assert "\n" not in message
    assert message.startswith(f"kgov-ner: {name}: ")
    return message


def test_invalid_utf8_and_invalid_cp949():
    data = "송파구".encode() + b" \x80\x80 " + "끝".encode()
    with pytest.raises(UnicodeDecodeError):
        data.decode("cp949")
    message = _assert_one_line_naming(_error(data), "dir/x.txt")
    assert "UTF-8" in message and "CP949" in message


def test_never_replaces_undecodable_bytes():
    for data in (b"\xff\xff\xff", b"abc\x80", "송".encode("cp949")[:1] + b"\x22"):
        with pytest.raises(InputError):
            decode_bytes(data, "x")


def test_truncated_utf8_is_not_read_as_cp949():
    data = "송파구는 우수구로 선정됐다".encode()[:-1]
    message = _assert_one_line_naming(_error(data), "dir/x.txt")
    assert "UTF-8" in message


def test_png_is_binary(tmp_path):
    path = tmp_path / "x.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")
    with pytest.raises(InputError) as info:
        read_text(path)
    message = _assert_one_line_naming(info.value, str(path))
    assert "binary" in message and "PNG" in message


@pytest.mark.parametrize(
    "data",
    [
        b"plain ascii\x00with a NUL",
        "송파구".encode() + b"\x00\x00\x00\x00",
        b"\x01\x02\x03\x04\x05\x06hello\x07\x08",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
        b"PK\x03\x04\x14\x00\x06\x00",
        b"\xff\xfe" + "a\x00b".encode("utf-16-le"),  # UTF-16 that decodes to NULs
    ],
    ids=["nul", "utf8-then-nul", "controls", "pdf", "zip", "utf16-nul"],
)
def test_binary_inputs(data):
    message = _assert_one_line_naming(_error(data), "dir/x.txt")
    assert "binary" in message


def test_a_stray_control_character_is_still_text():
    text = "송파구는 4500만 원을 확보했다.\x0c 다음 쪽\x1b[0m" * 3
    assert decode_bytes(text.encode(), "x").text == text


@pytest.mark.parametrize(
    "data",
    [b"\xff\xfe\x00\xd8", b"\xfe\xff\x00", b"\xef\xbb\xbf\xff"],
    ids=["utf16-lone-surrogate", "utf16-odd-length", "utf8-bom-then-garbage"],
)
def test_bom_with_invalid_body(data):
    _assert_one_line_naming(_error(data), "dir/x.txt")


def test_directory(tmp_path):
    with pytest.raises(InputError) as info:
        read_text(tmp_path)
    assert "directory" in _assert_one_line_naming(info.value, str(tmp_path))


def test_missing(tmp_path):
    path = tmp_path / "nope.txt"
    with pytest.raises(InputError) as info:
        read_text(str(path))
    assert "no such file" in _assert_one_line_naming(info.value, str(path))


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file"
)
def test_permission_denied(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_bytes(b"text")
    path.chmod(0)
    try:
        with pytest.raises(InputError) as info:
            read_text(path)
        assert "permission" in _assert_one_line_naming(info.value, str(path))
    finally:
        path.chmod(0o600)


def test_stdin(monkeypatch):
    stdin = io.TextIOWrapper(io.BytesIO(SENTENCE.encode("cp949")), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    assert read_text("-") == Decoded(SENTENCE, "cp949")


def test_stdin_binary_names_stdin(monkeypatch):
    stdin = io.TextIOWrapper(io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00"), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    with pytest.raises(InputError) as info:
        read_text("-")
    _assert_one_line_naming(info.value, "<stdin>")


# Text a scraped page might contain: Hangul, ASCII, common punctuation, and
# the whitespace that must survive untouched (no control characters, which
# the binary heuristic would rightly count).
_TEXTS = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3),
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
        st.sampled_from("\r\n\t ‘’“”·△▲▷「」『』…\u00a0\u3000"),
    ),
    max_size=60,
)


@given(_TEXTS, st.sampled_from(ENCODINGS[:4]))
def test_unicode_encodings_round_trip(text, case):
    encode, reported = case
    decoded = decode_bytes(encode(text), "x")
    assert decoded.text == text
    if text or reported != "utf-8-sig":
        assert decoded.encoding == reported


def _cp949_encodable(text: str) -> bool:
    try:
        text.encode("cp949")
    except UnicodeEncodeError:
        return False
    return True


@given(_TEXTS.filter(lambda t: any("\uac00" <= c <= "\ud7a3" for c in t) and _cp949_encodable(t)))
def test_cp949_text_is_never_an_error(text):
    # CP949 is only tried when UTF-8 fails.  A CP949 string of a few syllables
    # can also be valid UTF-8 (it then reads as UTF-8): a documented limit of
    # sniffing, irrelevant for whole pages.  Otherwise it must round-trip, and
    # it must never be rejected.
    decoded = decode_bytes(text.encode("cp949"), "x")
    if decoded.encoding == "cp949":
        assert decoded.text == text
    else:
        assert decoded.encoding == "utf-8"


def test_cp949_page_with_crlf_and_symbols():
    page = "[아시아경제 박종일 기자]\r\n광진구(구청장 김선갑)가 ‘2019년 서울 희망일자리 만들기’ 평가에서\r\n△최우수구 △우수구…\r\n" * 5
    assert decode_bytes(page.encode("cp949"), "x") == Decoded(page, "cp949")


# ---------------------------------------------------------------------------
# atomic_write


def _listing(path):
    return sorted(p.name for p in path.iterdir())


@pytest.mark.parametrize("failure", [RuntimeError("tagger crashed"), KeyboardInterrupt()],
                         ids=["exception", "interrupt"])
def test_atomic_write_keeps_the_old_file_on_failure(tmp_path, failure):
    target = tmp_path / "out.jsonl"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(type(failure)):
        with atomic_write(target) as fh:
            fh.write("half a line")
            assert len(_listing(tmp_path)) == 2  # the temporary file, beside the target
            raise failure
    assert target.read_text(encoding="utf-8") == "old\n"
    assert _listing(tmp_path) == ["out.jsonl"]


def test_atomic_write_keeps_the_mode_and_the_symlink(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "link.txt"
    link.symlink_to(real.name)
    write_text_atomic(link, "송파구\r\n", newline="")
    assert link.is_symlink() and os.readlink(link) == real.name
    assert real.read_bytes() == "송파구\r\n".encode()
    assert real.stat().st_mode & 0o777 == 0o640
    assert _listing(tmp_path) == ["link.txt", "real.txt"]


def test_atomic_write_gives_a_new_file_the_default_mode(tmp_path):
    umask = os.umask(0o027)
    try:
        with atomic_write(tmp_path / "new.bin", binary=True) as fh:
            fh.write(b"\x00\xff")
    finally:
        os.umask(umask)
    assert (tmp_path / "new.bin").read_bytes() == b"\x00\xff"
    assert (tmp_path / "new.bin").stat().st_mode & 0o777 == 0o640


def test_atomic_write_fails_on_entry(tmp_path):
    with pytest.raises(FileNotFoundError):
        with atomic_write(tmp_path / "missing" / "out.txt"):
            pytest.fail("the block must not run")
    with pytest.raises(IsADirectoryError):
        with atomic_write(tmp_path):
            pytest.fail("the block must not run")
    assert _listing(tmp_path) == []


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="needs /dev/null")
def test_atomic_write_writes_a_device_directly():
    with atomic_write("/dev/null") as fh:
        fh.write("송파구")
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")
