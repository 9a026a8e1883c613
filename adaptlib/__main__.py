import sys

from adaptlib.cli import main

sys.exit(main())
