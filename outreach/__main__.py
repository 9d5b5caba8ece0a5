"""`python -m outreach`: the reminder scheduler."""

from outreach.scheduler import main

main()
