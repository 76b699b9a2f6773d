"""Pure computations over records and policy: checks, calendar, SLA, penalties,
settlements, reminders, report figures."""
