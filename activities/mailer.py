"""Ledgered SMTP delivery. STUB: owned by the mail helper.

Contract:
    mailer = Mailer(settings, sessions)
    result = await mailer.deliver(out: OutboundEmail) -> SendEmailResult
        - one ledger row per out.business_key; status sent -> returns already_sent=True, no SMTP
        - 5xx for the recipient -> ledger failed_permanent, returns status "failed_permanent" (no raise)
        - 4xx / connection errors -> ledger failed_temporary, raises TemporarySendError (retry it)
        - CR/LF in any header value (also RFC 2047-encoded) -> raises HeaderInjectionError (permanent)
    results = await mailer.deliver_many(outs, connections=4) -> list[SendEmailResult]
"""
