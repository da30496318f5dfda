"""`python -m raadsbode.cli`: the same command as the `raadsbode` script (tests start processes this way)."""
from raadsbode.cli import main

main()
