"""What scheduling keeps of other services' events."""
