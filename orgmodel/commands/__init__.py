"""Click commands, one module per command family; ``cli.py`` assembles the group."""
