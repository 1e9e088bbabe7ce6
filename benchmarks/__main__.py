"""``uv run python -m benchmarks [--quick] [--json]``."""

import sys

from benchmarks.cli import main

sys.exit(main())
