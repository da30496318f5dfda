"""What an SMTP refusal is about, by the stage that gave it: the one rule of every send path
(Mailer.deliver, the pooled deliver_many, the newsletter's BatchSender).

Only a 5xx answer to RCPT TO says something about the recipient. A 5xx to the session (EHLO, AUTH),
to MAIL FROM (530 authentication required, 550 sender rejected) or to DATA (552 too large, 554
content or policy) is about our relay, our account or the message: it would refuse the next
recipient just the same, so it must never mark an address as bounced nor a message as finally
failed. Such a refusal is retried (bounded) like a 4xx and, when it persists, stops the send and
alerts a person; the recipient's row stays `failed_temporary`.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import aiosmtplib


class Stage(StrEnum):
    session = "session"  # connect, EHLO, STARTTLS, AUTH
    mail_from = "MAIL FROM"
    rcpt_to = "RCPT TO"
    data = "DATA"


class RefusalKind(StrEnum):
    temporary = "temporary"  # 4xx or anything that is not a final no: try again later
    recipient = "recipient"  # 5xx at RCPT TO: this address, this message is finally refused
    relay = "relay"  # 5xx at the session or MAIL FROM: our relay or account; retry, then alert
    content = "content"  # 5xx at DATA: the message (size, content, policy); retry, then alert


POLICY_WORDS = ("spam", "policy", "blocked", "blacklist", "blocklist", "reputation", "dmarc", "spf", "dkim")


@dataclass(frozen=True)
class Refusal:
    stage: Stage
    kind: RefusalKind
    code: int | None
    reply: str
    bounce: bool = False  # the address itself is bad: a newsletter may suppress it

    @property
    def stops_the_send(self) -> bool:
        """Every later message would be refused the same way: a relay or content problem."""
        return self.kind in (RefusalKind.relay, RefusalKind.content)

    def describe(self) -> str:
        """For the ledger's smtp_reply and the alert: the stage first, so a reader knows whom it concerns."""
        code = f"{self.code} " if self.code is not None else ""
        return f"{self.stage.value}: {code}{self.reply}".strip()


def stage_of(exc: BaseException) -> Stage:
    """aiosmtplib names the stage in the exception type; anything unnamed is the session's."""
    if isinstance(exc, aiosmtplib.SMTPRecipientRefused):
        return Stage.rcpt_to
    if isinstance(exc, aiosmtplib.SMTPSenderRefused):
        return Stage.mail_from
    if isinstance(exc, aiosmtplib.SMTPDataError):
        return Stage.data
    return Stage.session


def is_policy_rejection(reply: str) -> bool:
    """5.7.x and spam/policy wording: the message was refused, the address itself may be fine."""
    text = reply.lower()
    return text.startswith("5.7") or " 5.7." in f" {text}" or any(w in text for w in POLICY_WORDS)


def classify(exc: aiosmtplib.SMTPResponseException, stage: Stage | None = None) -> Refusal:
    """The verdict on one refused command; `stage` overrides what the exception type says."""
    stage = stage or stage_of(exc)
    code, reply = exc.code, exc.message
    if not 500 <= code < 600:
        return Refusal(stage, RefusalKind.temporary, code, reply)
    if stage is Stage.rcpt_to:
        return Refusal(stage, RefusalKind.recipient, code, reply, bounce=not is_policy_rejection(reply))
    return Refusal(stage, RefusalKind.content if stage is Stage.data else RefusalKind.relay, code, reply)
