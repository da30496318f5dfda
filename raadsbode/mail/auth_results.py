"""Whether the sender of an inbound message is authenticated, on the word of the receiving mail server.

We do not check DKIM ourselves: the association's mail provider did that on receipt and wrote the outcome
into an Authentication-Results header field (RFC 8601) under its own authserv-id. Anyone can put such a
field into a message they send, so only fields naming an authserv-id we were told to trust count, and of
those only the topmost: the receiving server prepends its field above everything the message arrived
with (and a conforming one removes copies that claim its id, RFC 8601 section 5), so a forged "pass"
lower down can never outvote it.

The sender counts as authenticated when that field says dkim=pass for a signing domain aligned with the
From domain (equal, or a parent or subdomain of it: DMARC's relaxed alignment without the public suffix
list, so the shorter of the two must have two labels at least), or dmarc=pass for header.from = the From
domain. The header fields are read from the raw bytes, without RFC 2047 decoding, by the same reader the
dev sink uses to strip forged copies of its own field, so the two can never disagree on what a field says.

authres on PyPI parses the same grammar, but its last release is from 2019 and it would be a dependency
for the few lines below.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

AUTH_RESULTS = "authentication-results"
# The authserv-id the dev SMTP sink stamps on the mail it stores; .invalid can never name a real server.
DEV_AUTHSERV_ID = "sink.raadsbode.invalid"

# name = value, where name is a method (with a version) or ptype.property, and value a token, a quoted string
# or an address with a quoted local part; servers put base64 ("=", "/") in header.b, so those are allowed.
_PAIR = re.compile(r'([A-Za-z0-9_-]+(?:\s*/\s*[0-9]+)?(?:\s*\.\s*[A-Za-z0-9_-]+)?)\s*=\s*((?:"(?:[^"\\]|\\.)*"|[^\s;"])+)')
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


@dataclass(frozen=True)
class MethodResult:
    method: str  # e.g. dkim, dmarc (lower-case, without a version)
    result: str  # e.g. pass, fail, none (lower-case)
    props: dict[str, str] = field(default_factory=dict)  # "header.d" -> "example.nl"


@dataclass(frozen=True)
class AuthResults:
    authserv_id: str  # lower-case
    results: tuple[MethodResult, ...]


@dataclass(frozen=True)
class SenderCheck:
    verified: bool
    reason: str  # why not (or which result vouched); built from checked names only, safe for a log line


def header_fields(data: bytes) -> list[tuple[str, str]]:
    """The message's header fields in order as (lower-case name, raw value), folding kept, nothing decoded."""
    fields = []
    for raw in _raw_fields(data):
        name, _, value = raw.decode("latin-1").partition(":")
        fields.append((name.strip().lower(), value))
    return fields


def without_auth_results_of(data: bytes, authserv_id: str) -> bytes:
    """The message without the Authentication-Results fields that claim `authserv_id` (or that name none),
    byte for byte otherwise: what a receiving server must do before it adds its own (RFC 8601 section 5)."""
    kept = []
    for raw in _raw_fields(data):
        name, _, value = raw.decode("latin-1").partition(":")
        if name.strip().lower() == AUTH_RESULTS:
            parsed = parse_auth_results(value)
            if parsed is None or parsed.authserv_id == authserv_id.lower():
                continue
        kept.append(raw)
    return b"".join(kept) + data[len(_header_block(data)):]


def _raw_fields(data: bytes) -> list[bytes]:
    """The header block split into whole fields (a line that starts with white space continues the last)."""
    fields: list[bytes] = []
    for line in _header_block(data).splitlines(keepends=True):
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1] += line
        else:
            fields.append(line)
    return fields


def _header_block(data: bytes) -> bytes:
    """The header fields up to and including the last one's line end (the empty line and body follow)."""
    ends = [i for i in (data.find(b"\r\n\r\n"), data.find(b"\n\n")) if i >= 0]
    if not ends:
        return data
    end = min(ends)
    return data[:end + (2 if data[end:end + 2] == b"\r\n" else 1)]


def parse_auth_results(value: str) -> AuthResults | None:
    """One Authentication-Results value (RFC 8601): comments, folding and quoted strings allowed.
    None when it has no authserv-id; a result that does not follow the grammar is left out."""
    segments = _split_outside_quotes(_without_comments(re.sub(r"[\r\n]+", " ", value)), ";")
    head = segments[0].strip()
    token = re.match(r'"((?:[^"\\]|\\.)*)"|(\S+)', head)
    if token is None:
        return None
    authserv_id = _unquote(token.group(1)) if token.group(1) is not None else token.group(2)
    results = tuple(r for r in (_method_result(s) for s in segments[1:]) if r is not None)
    return AuthResults(authserv_id.strip().lower(), results)


def _method_result(segment: str) -> MethodResult | None:
    pairs, end = [], 0
    for found in _PAIR.finditer(segment):
        if segment[end:found.start()].strip():
            return None  # something between the pairs that is not one: not a result we can read
        pairs.append((re.sub(r"\s+", "", found.group(1)).lower(), found.group(2)))
        end = found.end()
    if not pairs or segment[end:].strip():
        return None
    (method, result), props = pairs[0], {}
    for name, raw in pairs[1:]:
        quoted = re.fullmatch(r'"((?:[^"\\]|\\.)*)"', raw)
        props.setdefault(name, _unquote(quoted.group(1)) if quoted else raw)
    return MethodResult(method.split("/")[0], result.lower(), props)


def _without_comments(text: str) -> str:
    out, depth, quoted, escaped = [], 0, False, False
    for ch in text:
        if escaped:
            escaped = False
            if depth == 0:
                out.append(ch)
            continue
        if ch == "\\" and (quoted or depth):
            escaped = True
            if depth == 0:
                out.append(ch)
            continue
        if quoted:
            quoted = ch != '"'
            out.append(ch)
        elif ch == "(":
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0:
                out.append(" ")
        elif depth == 0:
            quoted = ch == '"'
            out.append(ch)
    return "".join(out)


def _split_outside_quotes(text: str, sep: str) -> list[str]:
    parts, current, quoted, escaped = [], [], False, False
    for ch in text:
        if escaped:
            escaped = False
        elif ch == "\\" and quoted:
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif ch == sep and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    parts.append("".join(current))
    return parts


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def domain_of(value: str) -> str | None:
    """The domain of an address or a domain (lower-case A-labels), or None when it is no valid domain name."""
    domain = value.rsplit("@", 1)[-1].strip().rstrip(".").lower()
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = domain.split(".")
    if len(labels) < 2 or len(domain) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        return None
    return domain


def aligned(signer: str, from_domain: str) -> bool:
    """Relaxed alignment: equal, or one a subdomain of the other (the shorter having two labels at least)."""
    if signer == from_domain:
        return True
    shorter, longer = sorted((signer, from_domain), key=len)
    return shorter.count(".") >= 1 and longer.endswith("." + shorter)


def trusted_results(data: bytes, trusted: Iterable[str]) -> AuthResults | None:
    """The topmost Authentication-Results field whose authserv-id is trusted, or None."""
    ids = {t.strip().lower() for t in trusted if t.strip()}
    for name, value in header_fields(data):
        if name == AUTH_RESULTS:
            parsed = parse_auth_results(value)
            if parsed is not None and parsed.authserv_id in ids:
                return parsed
    return None


def check_sender(data: bytes, sender: str, trusted: Iterable[str]) -> SenderCheck:
    """Whether the trusted receiving server vouches for `sender` (the From address the reply is matched on)."""
    if sum(1 for name, _ in header_fields(data) if name == "from") != 1:
        return SenderCheck(False, "the message has no single From header")
    from_domain = domain_of(sender)
    if from_domain is None:
        return SenderCheck(False, "the From address has no valid domain")
    found = trusted_results(data, trusted)
    if found is None:
        return SenderCheck(False, "no Authentication-Results of a trusted mail server")
    for r in found.results:
        if r.result != "pass":
            continue
        if r.method == "dmarc" and domain_of(r.props.get("header.from", "")) == from_domain:
            return SenderCheck(True, f"dmarc=pass for {from_domain} ({found.authserv_id})")
        signer = domain_of(r.props.get("header.d") or r.props.get("header.i", ""))
        if r.method == "dkim" and signer is not None and aligned(signer, from_domain):
            return SenderCheck(True, f"dkim=pass by {signer} for {from_domain} ({found.authserv_id})")
    said = ", ".join(f"{_word(r.method)}={_word(r.result)}" for r in found.results) or "no results"
    return SenderCheck(False, f"{found.authserv_id}: no dkim or dmarc pass for {from_domain} ({said})"[:500])


def _word(text: str) -> str:
    return text if re.fullmatch(r"[a-z0-9_-]{1,32}", text) else "?"
