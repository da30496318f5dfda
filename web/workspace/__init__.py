"""The staff workspace (/werkruimte), one sub-package per area."""
