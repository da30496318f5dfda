"""Generic mail activity: send one rendered email through the ledger."""
from __future__ import annotations

from temporalio import activity
from temporalio.exceptions import ApplicationError

from raadsbode.mail.compose import HeaderInjectionError
from activities.deps import Deps
from raadsbode.mail.mailer import Mailer, RelayRefusedError, TemporarySendError
from models.messages.mail import OutboundEmail, SendEmailResult


class MailActivities:
    ACTIVITY_NAMES: tuple[str, ...] = ("send_email",)

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.mailer = Mailer(deps.settings, deps.sessions)

    @activity.defn
    async def send_email(self, out: OutboundEmail) -> SendEmailResult:
        """Sent, already sent, or failed_permanent come back as a result; a temporary failure
        raises a retryable error so the caller's RetryPolicy (with backoff) tries again."""
        try:
            return await self.mailer.deliver(out)
        except HeaderInjectionError as exc:
            raise ApplicationError(str(exc), type="HeaderInjection", non_retryable=True) from exc
        except RelayRefusedError as exc:  # not the recipient's fault: retried, never a bounce
            raise ApplicationError(str(exc), type="RelayRefused") from exc
        except TemporarySendError as exc:
            raise ApplicationError(str(exc), type="TemporarySendError") from exc
        except ValueError as exc:  # e.g. a calendar whose METHOD differs from calendar_method
            raise ApplicationError(str(exc), type="InvalidEmail", non_retryable=True) from exc
