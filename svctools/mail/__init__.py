"""Reminder delivery: templates, messages, transports, the exactly-once state file."""
