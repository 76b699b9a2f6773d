"""The sample book the demo writes."""
