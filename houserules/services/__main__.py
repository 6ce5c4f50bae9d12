"""`python -m houserules.services up|down|status`, the same commands as `houserules services`."""

from houserules.services.commands import services

services(prog_name="houserules services")
