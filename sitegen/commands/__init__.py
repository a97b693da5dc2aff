"""Commands that grew past a few lines: each a Click command that cli registers."""
