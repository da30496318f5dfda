"""Board and committee meetings: start, steer, agenda, resend."""
