package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"rota/model"
)

// openDetail shows the detail pane of the selected instance and loads its
// object.
func (m *Model) openDetail() tea.Cmd {
	in, ok := m.selected()
	if !ok {
		return nil
	}
	m.mode = modeDetail
	m.detail = &detailMsg{key: keyOf(in)}
	return loadDetail(m.ctx, m.store, in)
}

func (m *Model) detailKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Back, k.Open):
		m.mode = modeNormal
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Help):
		m.openHelp()
	case key.Matches(msg, k.Edit):
		return m.startEdit()
	case key.Matches(msg, k.Delete):
		return m.startDelete()
	case key.Matches(msg, k.Duplicate):
		return m.startDuplicate()
	}
	if m.sideDetail() {
		// The view beside the pane takes every other key; the pane
		// follows its selection.
		return tea.Batch(m.normalKey(msg), m.followDetail())
	}
	cmd, _ := m.globalKey(msg)
	return cmd
}

// sideWidth is the width from which the detail pane sits beside the
// agenda or day view instead of replacing it; sideWeekWidth is the same
// for the week, whose seven columns beside the pane would be too narrow
// to read below it (9 cells a day at 120 columns).
const (
	sideWidth     = 120
	sideWeekWidth = 160
)

// sideDetail reports whether the detail pane sits beside the view.
func (m *Model) sideDetail() bool {
	if m.width < sideWidth {
		return false
	}
	switch s := m.screens[m.cur].(type) {
	case *agendaScreen:
		return true
	case *gridScreen:
		return s.days == 1 || s.days <= 7 && m.width >= sideWeekWidth
	}
	return false
}

// detailPaneWidth is the width of the pane beside the view.
func detailPaneWidth(w int) int { return min(max(w*2/5, 48), 64) }

// followDetail loads the detail of the selected instance when the
// selection moved away from the one shown.
func (m *Model) followDetail() tea.Cmd {
	if m.mode != modeDetail {
		return nil
	}
	in, ok := m.selected()
	if !ok || (m.detail != nil && m.detail.key == keyOf(in)) {
		return nil
	}
	m.detail = &detailMsg{key: keyOf(in)}
	return loadDetail(m.ctx, m.store, in)
}

// sideBySide draws the view with the detail pane at its right.
func (m *Model) sideBySide(w, h int) string {
	pw := detailPaneWidth(w)
	vw := w - pw - 1
	left := strings.Split(fitBlock(m.screens[m.cur].View(m, vw, h), vw, h), "\n")
	right := strings.Split(fitBlock(m.detailView(pw, h), pw, h), "\n")
	bar := m.sty.dim.Render("│")
	var b strings.Builder
	for i := range left {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(pad(left[i], vw))
		b.WriteString(bar)
		b.WriteString(right[i])
	}
	return b.String()
}

// instanceEvent is the event as this instance sees it: its override when
// there is one, else the master placed at the instance's time.
func instanceEvent(evs []model.Event, in model.Instance, loc *time.Location) (model.Event, bool) {
	if len(evs) == 0 {
		return model.Event{}, false
	}
	if !in.RecurrenceID.IsZero() {
		for _, ev := range evs[1:] {
			if sameInstant(ev.RecurrenceID, in.RecurrenceID, ev.AllDay || ev.Floating, loc) {
				return ev, true
			}
		}
	}
	ev := evs[0]
	if !in.RecurrenceID.IsZero() {
		ev.RecurrenceID = toEventTime(in.RecurrenceID, ev, loc)
		ev.Start = toEventTime(in.Start, ev, loc)
		ev.End = toEventTime(in.End, ev, loc)
		ev.Recurrence = nil
		return ev, false
	}
	return ev, false
}

// sameInstant compares a model time with an instance time; floating and
// all-day model times are wall clocks read in loc.
func sameInstant(evTime, inst time.Time, wall bool, loc *time.Location) bool {
	if wall {
		return fromWall(evTime, loc).Equal(inst)
	}
	return evTime.Equal(inst)
}

// fromWall places a floating wall-clock time (kept in UTC) in loc.
func fromWall(t time.Time, loc *time.Location) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
}

// toWall is the inverse: t's wall clock in loc, kept as UTC.
func toWall(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

// toEventTime turns an absolute instance time into the event's convention:
// wall clock in UTC for floating and all-day events, the event's zone for
// TZID events.
func toEventTime(t time.Time, ev model.Event, loc *time.Location) time.Time {
	if ev.AllDay || ev.Floating {
		return toWall(t, loc)
	}
	if ev.TZID != "" {
		if z, err := model.LoadZone(ev.TZID); err == nil {
			return t.In(z)
		}
	}
	return t.In(ev.Start.Location())
}

// fromEventTime is the absolute time of an event time, for display.
func fromEventTime(t time.Time, ev model.Event, loc *time.Location) time.Time {
	if ev.AllDay || ev.Floating {
		return fromWall(t, loc)
	}
	return t.In(loc)
}

func (m *Model) detailView(w, h int) string {
	in, ok := m.selected()
	if !ok || m.detail == nil || m.detail.key != keyOf(in) {
		return m.sty.dim.Render("  nothing selected")
	}
	if m.detail.err != nil {
		return m.sty.err.Render("  " + m.detail.err.Error())
	}
	if m.detail.events == nil {
		return m.sty.dim.Render("  loading…")
	}
	ev, _ := instanceEvent(m.detail.events, in, m.loc)
	master := m.detail.events[0]
	lines := m.describe(ev, master, in, w)
	if len(lines) > h {
		lines = append(lines[:h-1], m.sty.dim.Render(fmt.Sprintf("  … %d more lines (widen the terminal)", len(lines)-h+1)))
	}
	return strings.Join(lines, "\n")
}

// describe lists every field of ev that holds something.
// Values wider than w wrap onto lines of their own under the value column.
func (m *Model) describe(ev, master model.Event, in model.Instance, w int) []string {
	var out []string
	const indent = 16
	wrap := func(value string) []string {
		if vw := w - indent; vw >= 12 && lipgloss.Width(value) > vw {
			return strings.Split(ansi.Wrap(value, vw, ""), "\n")
		}
		return []string{value}
	}
	more := func(value string) {
		for _, l := range wrap(value) {
			out = append(out, strings.Repeat(" ", indent)+l)
		}
	}
	field := func(name, value string) {
		if value == "" {
			return
		}
		lines := wrap(value)
		out = append(out, m.sty.field.Render(pad("  "+name, indent))+lines[0])
		for _, l := range lines[1:] {
			out = append(out, strings.Repeat(" ", indent)+l)
		}
	}
	title := ev.Title
	if title == "" {
		title = "(no title)"
	}
	out = append(out, m.sty.title.Render("  "+title))
	field("when", m.whenText(in, ev))
	cal, _ := m.calendar(in.CalendarID)
	field("calendar", m.calMark[cal.ID].Render("■")+" "+calName(cal))
	if ev.Kind != "" && ev.Kind != model.KindAppointment {
		field("kind", string(ev.Kind))
	}
	field("status", strings.ToLower(string(ev.Status)))
	field("location", ev.Location)
	if ev.Organizer != nil {
		field("organizer", person(*ev.Organizer))
	}
	for i, p := range ev.Participants {
		name := ""
		if i == 0 {
			name = "participants"
		}
		line := person(p)
		var extra []string
		if p.Status != "" {
			extra = append(extra, strings.ToLower(string(p.Status)))
		}
		if p.Role != "" && p.Role != model.RoleRequired {
			extra = append(extra, strings.ToLower(string(p.Role)))
		}
		if p.Type != "" && p.Type != model.TypeIndividual {
			extra = append(extra, strings.ToLower(string(p.Type)))
		}
		if len(extra) > 0 {
			line += " · " + strings.Join(extra, ", ")
		}
		if name == "" {
			more(line)
		} else {
			field(name, line)
		}
	}
	if len(ev.Labels) > 0 {
		var ls []string
		for _, l := range ev.Labels {
			ls = append(ls, m.sty.swatch(m.sty.labelColor(l.Color)).Render("● "+l.Name))
		}
		field("labels", strings.Join(ls, "  "))
	}
	field("resources", strings.Join(ev.Resources, ", "))
	var rs []string
	for _, r := range ev.Reminders {
		rs = append(rs, reminderText(r))
	}
	field("reminders", strings.Join(rs, "; "))
	if master.Recurrence != nil {
		field("repeats", describeRecurrence(master))
		if in.Overridden {
			field("this one", "changed by hand (differs from the series)")
		} else {
			field("this one", "as planned by the series")
		}
	}
	if ev.Priority > 0 {
		field("priority", itoa(ev.Priority))
	}
	if ev.Privacy != "" && ev.Privacy != model.PrivacyPublic {
		field("privacy", strings.ToLower(string(ev.Privacy)))
	}
	if ev.Free {
		field("shows as", "free")
	} else {
		field("shows as", "busy")
	}
	if ev.LeadTime > 0 {
		field("lead time", durText(ev.LeadTime))
	}
	if ev.LagTime > 0 {
		field("lag time", durText(ev.LagTime))
	}
	if ev.Capacity > 0 {
		field("capacity", itoa(ev.Capacity))
	}
	field("schedule", ev.ScheduleID)
	if ev.Conflict {
		field("conflict", m.sty.conflict.Render("saved although it clashes with another booking"))
	}
	if !ev.Due.IsZero() {
		field("due", ev.Due.In(m.loc).Format("Mon 2 Jan 2006 15:04"))
	}
	if !ev.Completed.IsZero() {
		field("completed", ev.Completed.In(m.loc).Format("Mon 2 Jan 2006 15:04"))
	}
	if ev.PercentComplete > 0 {
		field("done", itoa(ev.PercentComplete)+"%")
	}
	field("person", ev.Person)
	field("activity", ev.Activity)
	field("client", ev.Client)
	field("worked on", ev.Link)
	if ev.Kind == model.KindTimeEntry {
		field("billable", yesNo(ev.Billable))
		field("break", yesNo(ev.Break))
	}
	field("agenda", oneLine(ev.Agenda))
	field("description", oneLine(ev.Description))
	for i, n := range ev.Notes {
		name := ""
		if i == 0 {
			name = "notes"
		}
		if name == "" {
			more(oneLine(n.Text))
		} else {
			field(name, oneLine(n.Text))
		}
	}
	field("uid", ev.UID)
	if !ev.Modified.IsZero() {
		field("modified", ev.Modified.In(m.loc).Format("2 Jan 2006 15:04")+" · sequence "+itoa(ev.Sequence))
	}
	return out
}

func (m *Model) whenText(in model.Instance, ev model.Event) string {
	s, e := in.Start.In(m.loc), in.End.In(m.loc)
	if in.AllDay {
		last := e.AddDate(0, 0, -1)
		if !last.After(s) {
			return s.Format("Mon 2 Jan 2006") + ", all day"
		}
		return s.Format("Mon 2 Jan") + " – " + last.Format("Mon 2 Jan 2006") + ", all day"
	}
	out := s.Format("Mon 2 Jan 2006 15:04") + "–"
	if m.dayNum(s) == m.dayNum(e) {
		out += e.Format("15:04")
	} else {
		out += e.Format("Mon 2 Jan 15:04")
	}
	switch {
	case ev.Floating:
		out += " (floating)"
	case ev.TZID != "" && ev.TZID != m.loc.String() && !isUTC(ev.TZID):
		out += " (" + ev.TZID + " " + in.Start.In(ev.Start.Location()).Format("15:04") + ")"
	}
	return out
}

func person(p model.Participant) string {
	switch {
	case p.Name != "" && p.Email != "":
		return p.Name + " <" + p.Email + ">"
	case p.Name != "":
		return p.Name
	}
	return p.Email
}

func reminderText(r model.Reminder) string {
	var s string
	switch {
	case r.Before == 0:
		s = "at the start"
	case r.Before > 0:
		s = durText(r.Before) + " before"
	default:
		s = durText(-r.Before) + " after"
	}
	if r.Action != "" && r.Action != "DISPLAY" {
		s += " (" + strings.ToLower(r.Action) + ")"
	}
	return s
}

func durText(d time.Duration) string {
	switch {
	case d%(24*time.Hour) == 0:
		return itoa(int(d/(24*time.Hour))) + " d"
	case d%time.Hour == 0:
		return itoa(int(d/time.Hour)) + " h"
	case d >= time.Hour:
		return itoa(int(d/time.Hour)) + " h " + itoa(int(d%time.Hour/time.Minute)) + " min"
	}
	return itoa(int(d/time.Minute)) + " min"
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func isUTC(tzid string) bool {
	switch tzid {
	case "UTC", "Etc/UTC", "GMT", "Etc/GMT", "Z", "Etc/Zulu", "Zulu":
		return true
	}
	return false
}
