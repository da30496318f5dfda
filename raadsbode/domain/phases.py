"""The phases of the ALV and network meeting workflows (AlvStatusView.phase, NetworkStatusView.phase) as a
person reads them, for the CLI and the workspace (the board's: models/messages/meeting.py PHASE_LABELS)."""
from __future__ import annotations

ALV_PHASE_LABELS = {
    "preparing": "In voorbereiding",
    "motions": "Termijn voor moties open",
    "agenda_signoff": "Agenda ter ondertekening",
    "convened": "Uitnodiging verstuurd",
    "held": "Gehouden, besluitenlijst in voorbereiding",
    "decisions_signoff": "Besluitenlijst ter ondertekening",
    "closed": "Afgerond",
    "cancelled": "Geannuleerd",
}
NETWORK_PHASE_LABELS = {
    "planned": "Gepland, nog niet aangekondigd",
    "open": "Aangekondigd, aanmelden open",
    "held": "Gehouden",
    "cancelled": "Geannuleerd",
}
