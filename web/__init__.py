"""The HTTP side: link pages behind every email, the secretary's pages, the dev outbox."""
