"""`python -m houserules`: the same command line as `houserules`."""

from houserules.cli import main

main()
