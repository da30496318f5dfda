"""The last line of defence: a built message is parsed back and refused unless it is exactly the
message that was meant.

The composer's checks (raadsbode/mail/compose.py) refuse hostile values before they reach a header; this
looks at the bytes that would go out, so a gap in those checks or in the `email` package (such as
CVE-2024-6923, a decoded line feed written raw when a header is folded) cannot add a header, a
recipient or a body. Two views must agree: a raw scan of the header block (CRLF only, every line a
'Name:' or a folded continuation) and the `email` parser's reading of the whole message.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from raadsbode.mail.errors import BuiltMessageMismatch

# Headers every built message carries at the top level (lower case), besides its extra headers.
BASE_HEADERS = frozenset({"from", "to", "subject", "date", "message-id", "mime-version", "content-type"})
# A body part carries its content headers only.
PART_HEADERS = frozenset({"content-type", "content-transfer-encoding"})
TOP_TYPE = "multipart/alternative"
# A header block holds printable ASCII and tabs only, besides the CRLF line ends; a header name is
# printable ASCII without ':' (RFC 5322 ftext).
_HEADER_BYTES = bytes(range(0x20, 0x7F)) + b"\t"
_NAME_BYTES = bytes(range(0x21, 0x7F))  # printable without space; the name ends at its first ':'
_PARSER = BytesParser(policy=policy.default)
# The display name in front of a copy's "<address>": atoms (encoded-words included) and quoted strings, so no
# unquoted '<', '>', ',', ';', ':' or '@' that could start another address or a group.
# Possessive quantifiers: a long hostile name cannot make the match backtrack.
_DISPLAY = re.compile(rb'(?:[ \t]*+(?:"(?:[^"\\\r\n]|\\[\t -~])*+"|[A-Za-z0-9!#$%&\'*+/=?^_`{|}~.-]++))*+[ \t]*+')


@dataclass(frozen=True)
class Intended:
    """What build_message meant to write."""

    header_names: frozenset[str]  # top level, lower case, each exactly once
    from_addr: str
    to_addr: str
    part_types: tuple[str, ...]  # the alternatives, in order


def verify_built(data: bytes, intended: Intended) -> None:
    """Nothing, or BuiltMessageMismatch saying what differs."""
    names = header_names(data)
    _same_names(names, intended.header_names)
    msg = _PARSER.parsebytes(data)
    if Counter(k.lower() for k in msg.keys()) != Counter(names):
        raise BuiltMessageMismatch("the parser reads other headers than the header block holds")
    _single_address(msg, "From", intended.from_addr)
    _single_address(msg, "To", intended.to_addr)
    _mime_tree(msg, intended.part_types)


def header_names(data: bytes) -> list[str]:
    """The top-level header names (lower case) of a well-formed header block, in order."""
    return [name.decode("ascii").lower() for name, _ in _fields(data)]


def _fields(data: bytes) -> list[tuple[bytes, bytes]]:
    """(name, unfolded value) of each top-level header. Each line of the block must be a "Name:" line or a
    folded continuation, CRLF only (a bare CR or LF is left over after splitting at CRLF and refused as a
    control byte), no NUL or 8-bit byte."""
    head, sep, _ = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    if not sep or b"".join(lines).translate(None, _HEADER_BYTES):
        raise BuiltMessageMismatch("the header block lacks its end, or holds a bare CR or LF, a control or an 8-bit byte")
    fields: list[tuple[bytes, bytes]] = []
    for line in lines:
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1] = (fields[-1][0], fields[-1][1] + line)
            continue
        name, colon, value = line.partition(b":")
        if not colon or not name or name.translate(None, _NAME_BYTES):
            raise BuiltMessageMismatch("the header block has a line that is neither a header nor a folded continuation")
        fields.append((name, value))
    return fields


def template_names(data: bytes) -> list[bytes]:
    """A verified template's header names as verify_copy_header compares them (as written, in order)."""
    return [name for name, _ in _fields(data)]


def verify_copy_header(data: bytes, names: list[bytes], to_addr: str) -> None:
    """The cheap check of a personalised copy of a verified template: the same header names in the same
    order, a well-formed block, and a To of exactly the one intended address."""
    fields = _fields(data)
    if [name for name, _ in fields] != names:
        raise BuiltMessageMismatch("a personalised copy has other headers than its template")
    value = fields[names.index(b"To")][1].strip(b" \t")
    # The email package's address parser costs ~100 us a call; the To the copy builder writes has one of
    # two shapes: the bare address, or a display name and the address in angle brackets.
    addr = to_addr.encode("ascii")
    bracketed = b"<" + addr + b">"
    if not (value == addr or (value.endswith(bracketed) and _DISPLAY.fullmatch(value[:-len(bracketed)]))):
        raise BuiltMessageMismatch("a personalised copy's To is not the one intended address")


def _same_names(names: list[str], intended: frozenset[str]) -> None:
    counts = Counter(names)
    if set(counts) != intended or any(n > 1 for n in counts.values()):
        extra = sorted(set(counts) - intended) + sorted(n for n, c in counts.items() if c > 1)
        missing = sorted(intended - set(counts))
        raise BuiltMessageMismatch(f"header names differ from the intended ones (unexpected or repeated: "
                                   f"{extra[:5]}, missing: {missing[:5]})")


def _single_address(msg: EmailMessage, name: str, addr: str) -> None:
    header = msg[name]
    groups = header.groups if header is not None else ()
    if (len(groups) != 1 or groups[0].display_name is not None or len(groups[0].addresses) != 1
            or groups[0].addresses[0].addr_spec.lower() != addr.lower()):
        raise BuiltMessageMismatch(f"{name} does not hold exactly the one intended address")


def _mime_tree(msg, part_types: tuple[str, ...]) -> None:
    if msg.get_content_type() != TOP_TYPE or not msg.is_multipart():
        raise BuiltMessageMismatch(f"the message is not {TOP_TYPE}")
    parts = msg.get_payload()
    if tuple(p.get_content_type() for p in parts) != part_types:
        raise BuiltMessageMismatch("the message's parts differ from the intended alternatives")
    for part in parts:
        keys = [k.lower() for k in part.keys()]
        if part.is_multipart() or not set(keys) <= PART_HEADERS or len(keys) != len(set(keys)):
            raise BuiltMessageMismatch("a body part carries headers other than its content headers")
