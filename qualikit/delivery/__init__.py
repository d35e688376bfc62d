"""Sending: outbox or SMTP, exactly once, and the daily cron line."""
