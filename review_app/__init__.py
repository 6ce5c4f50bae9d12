"""The comms team's web review app: queues, one page per comment, decisions, audit, search."""
