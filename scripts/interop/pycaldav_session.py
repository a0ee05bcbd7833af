"""A python3-caldav session against `rota serve`: discover, create a
calendar, save events, search with expand, modify, delete, sync tokens.
Usage: pycaldav_session.py URL USER PASSWORD. Exits non-zero on failure."""
import sys
from datetime import datetime, timezone

import caldav

url, user, password = sys.argv[1:4]


def check(cond, what):
    if not cond:
        print("FAIL:", what, file=sys.stderr)
        sys.exit(1)
    print("ok:", what)


client = caldav.DAVClient(url=url, username=user, password=password)
principal = client.principal()
check(str(principal.url).rstrip("/").endswith("/dav/" + user), "principal discovered: %s" % principal.url)

cal = principal.make_calendar(name="Interop", cal_id="interop")
check(any(str(c.url).endswith("/interop/") for c in principal.calendars()), "calendar created and listed")

weekly = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//interop//python-caldav//EN
BEGIN:VEVENT
UID:py-weekly
DTSTAMP:20260101T000000Z
DTSTART:20260302T090000Z
DTEND:20260302T100000Z
RRULE:FREQ=WEEKLY;COUNT=10
SUMMARY:Weekly sync
END:VEVENT
END:VCALENDAR
"""
single = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//interop//python-caldav//EN
BEGIN:VEVENT
UID:py-single
DTSTAMP:20260101T000000Z
DTSTART:20260310T140000Z
DTEND:20260310T150000Z
SUMMARY:Dentist
END:VEVENT
END:VCALENDAR
"""
cal.save_event(weekly)
cal.save_event(single)
check(len(cal.events()) == 2, "two events saved")

tok0 = cal.objects_by_sync_token(load_objects=False)
token = tok0.sync_token
check(token and len(list(tok0)) == 2, "initial sync lists both (token %s)" % token)

start = datetime(2026, 3, 1, tzinfo=timezone.utc)
end = datetime(2026, 3, 22, tzinfo=timezone.utc)
found = cal.search(start=start, end=end, event=True, expand=True)
check(all("RRULE" not in e.data for e in found), "the server expanded the recurrence (no RRULE came back)")
summaries = sorted(str(e.vobject_instance.vevent.summary.value) for e in found)
check(summaries.count("Weekly sync") == 3 and summaries.count("Dentist") == 1,
      "search with expand over 3 weeks: %s" % summaries)

ev = cal.event_by_uid("py-single")
ev.vobject_instance.vevent.summary.value = "Dentist (moved)"
ev.save()
check("Dentist (moved)" in cal.event_by_uid("py-single").data, "event modified")

cal.event_by_uid("py-weekly").delete()
check(len(cal.events()) == 1, "event deleted")

changes = cal.objects_by_sync_token(sync_token=token, load_objects=False)
urls = sorted(str(o.url).rsplit("/", 1)[-1] for o in changes)
check(len(urls) == 2 and changes.sync_token != token, "incremental sync reports the modify and the delete: %s" % urls)

cal.delete()
check(not any(str(c.url).endswith("/interop/") for c in principal.calendars()), "calendar deleted")
print("python-caldav session passed")
