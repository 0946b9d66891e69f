"""Council and committee meetings that take written public comment: the schedule staff keep (agenda.py),
reading it in King County's time (schedule.py), the checks on what staff enter (checks.py), and supporters' comments and
reminders (comments.py)."""
