// Package ics converts between rota's model values and iCalendar (RFC 5545).
//
// It is the one codec behind import, export, the CalDAV server, feeds and
// the TUI. Input is split into components by its own content-line parser,
// which keeps every property, parameter and component in the order the
// client wrote them, knows the line each started on, and never panics;
// go-ical's decoder is not used on untrusted input because it drops the
// property order, rejects a BOM, ignores VTIMEZONE and panics on some
// malformed lines. What Decode stores in model.Object.Data is always
// acceptable to go-ical's strict encoder (one UID and DTSTAMP, not both
// DTEND and DURATION, PRODID and VERSION), because go-webdav re-encodes
// every object it serves through it.
//
// Repairs, all predictable:
//   - a missing DTSTAMP is added, set to LAST-MODIFIED, else CREATED, else
//     DTSTART (in UTC; floating and all-day values read as UTC), else
//     19700101T000000Z, so decoding the same text twice gives the same bytes;
//   - a component with both DTEND (DUE) and DURATION loses DURATION;
//   - METHOD and calendar-level X- properties are not kept per object (RFC
//     4791 section 4.1 forbids METHOD in stored objects); PRODID, VERSION
//     and CALSCALE are;
//   - bare VEVENT/VTODO/VJOURNAL components with no VCALENDAR around them
//     are read as if they had one.
//
// TZIDs become IANA names (Timing.TZID, Event.TZID) as described in tz.go:
// IANA, Windows names (CLDR), prefixed names (/mozilla.org/...), a custom
// VTIMEZONE matched to the IANA zone with the same offsets and transitions,
// or Etc/GMT±N. Data keeps the TZID text and VTIMEZONE as the client wrote
// them; Apply reuses that text when the zone is unchanged.
//
// Refusals (an *Error naming the line and property): a component without
// UID or DTSTART (VEVENT), an unparsable date, time, duration or RRULE, an
// unknown TZID with no VTIMEZONE, DTEND before DTSTART, the same UID twice
// without RECURRENCE-ID, and syntax errors. Top-level components other than
// VEVENT, VTODO, VJOURNAL and VTIMEZONE (VFREEBUSY, VAVAILABILITY, X-...)
// are skipped; DecodeAll reports them.
//
// Output lines are folded at 75 octets (RFC 5545 section 3.1) without
// splitting a UTF-8 sequence, and end in CRLF.
package ics
