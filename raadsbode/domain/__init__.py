"""Pure vocabulary, rules and policies (stdlib only): importable by workflows, models and everything above."""
