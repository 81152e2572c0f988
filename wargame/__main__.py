"""`python -m wargame`: the `wargame` command."""

from .cli import main

raise SystemExit(main())
