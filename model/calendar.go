package model

import "time"

// CalendarKind says what a calendar holds and which rules apply to writes.
type CalendarKind string

// Calendar kinds.
const (
	CalendarEvents    CalendarKind = "events"    // appointments, shifts, holidays...
	CalendarTasks     CalendarKind = "tasks"     // VTODO lists
	CalendarSchedule  CalendarKind = "schedule"  // generated schedule series (Altegio)
	CalendarTimesheet CalendarKind = "timesheet" // one person's time entries (HaloPSA)
)

// Calendar is a collection of calendar objects: a CalDAV calendar
// collection, a LeadConnector calendar, a HaloPSA diary.
type Calendar struct {
	ID    int64
	Owner string // login that owns it (CalDAV principal)
	// Name is the path segment in CalDAV URLs and what --calendar matches:
	// letters, digits, '.', '_' and '-'.
	Name          string
	DisplayName   string
	Description   string
	Color         string // "#RRGGBB" or "#RRGGBBAA"
	SymbolicColor string // Apple's symbolic-color attribute, kept as sent
	Order         int
	TimeZone      string // IANA name; floating times are read in it
	Kind          CalendarKind
	Group         string   // LeadConnector calendar group
	Person        string   // team member whose calendar this is (timesheets, schedules)
	Components    []string // supported components: "VEVENT", "VTODO"
	// DefaultReminders apply to new events created through rota's doors.
	DefaultReminders []Reminder
	// Props holds dead WebDAV properties set by clients (PROPPATCH), keyed by
	// "{namespace}local" with their raw XML inner value, returned unchanged.
	Props map[string]string

	// Set by the store.
	SyncToken int64 // change-log position of the last write in this calendar
	Created   time.Time
	Modified  time.Time
}

// Validate checks the fields a store relies on.
func (c *Calendar) Validate() error {
	if c.Name == "" {
		return Invalid("name", "required")
	}
	for _, r := range c.Name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return Invalid("name", "%q has %q; use letters, digits, '.', '_' or '-'", c.Name, r)
		}
	}
	if c.Name == "." || c.Name == ".." {
		return Invalid("name", "%q is reserved", c.Name)
	}
	if c.Color != "" && !validColor(c.Color) {
		return Invalid("color", "%q is not #RRGGBB or #RRGGBBAA", c.Color)
	}
	if c.TimeZone != "" {
		if _, err := LoadZone(c.TimeZone); err != nil {
			return Invalid("time zone", "%v", err)
		}
	}
	for _, comp := range c.Components {
		if comp != "VEVENT" && comp != "VTODO" && comp != "VJOURNAL" {
			return Invalid("components", "%q is not VEVENT, VTODO or VJOURNAL", comp)
		}
	}
	return nil
}

// Supports reports whether the calendar accepts components named comp.
// A calendar with no list accepts VEVENT and VTODO.
func (c *Calendar) Supports(comp string) bool {
	if len(c.Components) == 0 {
		return comp == "VEVENT" || comp == "VTODO"
	}
	for _, s := range c.Components {
		if s == comp {
			return true
		}
	}
	return false
}

func validColor(s string) bool {
	if len(s) != 7 && len(s) != 9 || s[0] != '#' {
		return false
	}
	for _, r := range s[1:] {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F') {
			return false
		}
	}
	return true
}
