"""When a message may go: reminders at the programme's times, and never inside its quiet hours."""

import datetime

from django.utils import timezone

from coproduce.notifications.models import MessageSettings


def parse_quiet_hours(text: str) -> list[list[str]]:
    """ "08:15-09:15" one a line into [["08:15", "09:15"]]; ValueError names the line that is wrong."""
    windows = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            start, end = (part.strip() for part in line.split("-"))
            parsed = [datetime.time.fromisoformat(start), datetime.time.fromisoformat(end)]
        except ValueError:
            raise ValueError(f"Write each quiet time like 08:15-09:15, not “{line}”.") from None
        if parsed[0] == parsed[1]:
            raise ValueError(f"A quiet time must start and end at different times: “{line}”.")
        windows.append([parsed[0].strftime("%H:%M"), parsed[1].strftime("%H:%M")])
    return windows


def _window_end(moment: datetime.datetime, start: datetime.time, end: datetime.time) -> datetime.datetime | None:
    """Where the window holding `moment` (local) ends, or None if it is outside it. Windows may cross midnight."""
    clock = moment.time()
    day = moment.date()
    if start < end:
        inside = start <= clock < end
    else:
        inside = clock >= start or clock < end
        if clock >= start:
            day += datetime.timedelta(days=1)
    if not inside:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, end))


def outside_quiet_hours(moment: datetime.datetime, settings: MessageSettings) -> datetime.datetime:
    """`moment`, or the first time after it that is in no quiet window."""
    local = timezone.localtime(moment)
    windows = [(datetime.time.fromisoformat(a), datetime.time.fromisoformat(b)) for a, b in settings.quiet_hours]
    for _ in range(len(windows) + 1):
        for start, end in windows:
            moved = _window_end(local, start, end)
            if moved is not None:
                local = timezone.localtime(moved)
                break
        else:
            return local
    return local


def at_local(day: datetime.date, clock: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, clock))


def reminder_times(starts_at: datetime.datetime, settings: MessageSettings) -> dict[str, datetime.datetime]:
    """When each reminder of an appointment should go (before it starts, outside quiet hours), by template."""
    day = timezone.localtime(starts_at).date()
    wanted = {
        "appointment-reminder-day-before": at_local(day - datetime.timedelta(days=1), settings.reminder_time),
        "appointment-reminder-morning": at_local(day, settings.morning_reminder_time),
    }
    times = {}
    for name, moment in wanted.items():
        moment = outside_quiet_hours(moment, settings)
        if moment < starts_at:
            times[name] = moment
    return times
