"""One EIMS account: send, track, receive, ask, guard."""
