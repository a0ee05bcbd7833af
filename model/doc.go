// Package model holds rota's domain types and the rules over them:
// validation, recurrence expansion, conflicts, free slots, schedule
// regeneration and timesheet arithmetic. It does no I/O: no database, no
// HTTP, no terminal. The codec in model/ics turns these values into
// iCalendar and back; stores persist them.
package model
