"""`python -m taylor_widgets explain ...`: explain a dataset into a store from a shell (taylor_widgets/scale/cli.py)."""
import sys

from .scale.cli import main

if __name__ == "__main__":
    sys.exit(main())
