"""Activities of the newsletter workflow: compose, freeze, send batches."""
