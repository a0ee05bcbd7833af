package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"rota/model"
	"rota/model/ics"
)

// TimesheetStore is what the timesheet screen needs of a store, beyond
// the frame's Store. *sqlite.Store satisfies it.
type TimesheetStore interface {
	TimesheetCalendar(ctx context.Context, owner, person, zone string) (model.Calendar, error)
	Instances(ctx context.Context, calIDs []int64, r model.Range, floating *time.Location) ([]model.Instance, error)
	ObjectsByName(ctx context.Context, calID int64, names []string) ([]model.Object, error)
	PutObject(ctx context.Context, o *model.Object, cond model.Condition) (created bool, err error)
	WorkdayRule(ctx context.Context, person string) (model.WorkdayRule, error)
	DaysOff(ctx context.Context, person string, first, last model.LocalDate) ([]model.DayOff, error)
	Approvals(ctx context.Context, person string, first, last model.LocalDate) ([]model.Approval, error)
	Timer(ctx context.Context, person string) (model.Timer, error)
	StartTimer(ctx context.Context, t model.Timer) error
	ClearTimer(ctx context.Context, t model.Timer) error
}

// NewTimesheet returns the timesheet screen of person, whose timesheet
// calendar (created on first use) belongs to owner: the week as a grid of
// days with entries and the appointments not yet logged, totals against
// targets, a running timer (space starts and stops it), an appointment
// turned into an entry with one key (a), and a bar chart of hours per day
// against the target.
func NewTimesheet(st TimesheetStore, owner, person string) Screen {
	return &timesheetScreen{st: st, owner: owner, person: person}
}

type timesheetScreen struct {
	st            TimesheetStore
	owner, person string

	week  model.LocalDate // Monday of the week shown; zero until activated
	day   int             // cursor day, 0 = Monday
	row   int             // cursor row in the day: entries, then appointments
	seq   int
	data  *tsWeekMsg
	keys  tsKeys
	ready bool

	// timer is the running timer as last read (nil: none), shown in the
	// status line on every screen; timerSeq orders its loads.
	timer    *model.Timer
	timerSeq int
}

type tsKeys struct {
	Left, Right, Up, Down, Prev, Next, Today, Timer, Log key.Binding
}

func newTSKeys() tsKeys {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return tsKeys{
		Left:  b([]string{"left", "h"}, "←/h", "day before"),
		Right: b([]string{"right", "l"}, "→/l", "day after"),
		Up:    b([]string{"up", "k"}, "↑/k", "up"),
		Down:  b([]string{"down", "j"}, "↓/j", "down"),
		Prev:  b([]string{"[", "pgup"}, "[", "previous week"),
		Next:  b([]string{"]", "pgdown"}, "]", "next week"),
		Today: b([]string{"t"}, "t", "this week"),
		Timer: b([]string{"space"}, "space", "start/stop timer"),
		Log:   b([]string{"a", "enter"}, "a", "log appointment"),
	}
}

// tsWeekMsg carries one week of a person's timesheet.
type tsWeekMsg struct {
	seq    int
	cal    model.Calendar
	zone   *time.Location
	week   model.LocalDate
	sheets []model.Timesheet
	appts  [7][]model.Instance // appointments not yet logged, per day
	timer  *model.Timer
	err    error
}

// tsTimerMsg carries the running timer, read while the screen is inactive.
type tsTimerMsg struct {
	seq   int
	timer *model.Timer
	err   error
}

// tsDoneMsg reports a write of the screen (timer, logged appointment).
type tsDoneMsg struct {
	info string
	err  error
}

func (s *timesheetScreen) Name() string { return "Timesheet" }

func (s *timesheetScreen) init(m *Model) {
	s.initKeys()
	if s.week.IsZero() {
		s.setDay(model.DateOf(m.Day()))
	}
}

func (s *timesheetScreen) initKeys() {
	if !s.ready {
		s.keys = newTSKeys()
		s.ready = true
	}
}

func (s *timesheetScreen) setDay(d model.LocalDate) {
	first, _, _ := model.PeriodDays(model.PeriodWeek, d)
	s.week = first
	s.day = (int(d.Weekday()) + 6) % 7
	s.row = 0
}

func (s *timesheetScreen) Activate(m *Model) tea.Cmd {
	s.init(m)
	return s.load(m)
}

// load reads the week: entries, targets, approvals, the timer and the
// appointments of the visible calendars.
func (s *timesheetScreen) load(m *Model) tea.Cmd {
	s.seq++
	seq, st, ctx, owner, person, week := s.seq, s.st, m.ctx, s.owner, s.person, s.week
	zoneName := m.Location().String()
	var others []int64
	for _, c := range m.Calendars() {
		if c.Kind != model.CalendarTimesheet && m.CalendarVisible(c.ID) {
			others = append(others, c.ID)
		}
	}
	return func() tea.Msg {
		msg := tsWeekMsg{seq: seq, week: week}
		fail := func(err error) tea.Msg { msg.err = fmt.Errorf("tui: timesheet of %s: %w", person, err); return msg }
		cal, err := st.TimesheetCalendar(ctx, owner, person, zoneName)
		if err != nil {
			return fail(err)
		}
		zone, err := model.LoadZone(cal.TimeZone)
		if err != nil {
			zone = time.UTC
		}
		msg.cal, msg.zone = cal, zone
		last := week.AddDays(6)
		r := model.Range{From: week.In(zone), To: last.AddDays(1).In(zone)}
		insts, err := st.Instances(ctx, []int64{cal.ID}, r, zone)
		if err != nil && !errors.Is(err, model.ErrTooManyInstances) {
			return fail(err)
		}
		entries, err := tsEntries(ctx, st, cal, insts)
		if err != nil {
			return fail(err)
		}
		rule, err := st.WorkdayRule(ctx, person)
		if err != nil {
			return fail(err)
		}
		offs, err := st.DaysOff(ctx, person, week, last)
		if err != nil {
			return fail(err)
		}
		apps, err := st.Approvals(ctx, person, week, last)
		if err != nil {
			return fail(err)
		}
		msg.sheets = model.Timesheets(model.SheetInput{Person: person, First: week, Last: last, Zone: zone,
			Entries: entries, Rule: &rule, DaysOff: offs, Approvals: apps})
		if t, err := st.Timer(ctx, person); err == nil {
			msg.timer = &t
		} else if !errors.Is(err, model.ErrNotFound) {
			return fail(err)
		}
		if len(others) > 0 {
			appts, err := st.Instances(ctx, others, r, zone)
			if err != nil && !errors.Is(err, model.ErrTooManyInstances) {
				return fail(err)
			}
			logged := map[string]bool{}
			for _, e := range entries {
				if e.Link != "" {
					logged[e.Link+"\x00"+e.Start.UTC().String()] = true
				}
			}
			for _, in := range appts {
				if in.AllDay || !in.End.After(in.Start) || logged[in.UID+"\x00"+in.Start.UTC().String()] {
					continue
				}
				if i := tsDayIndex(week, model.DateOf(in.Start.In(zone))); i >= 0 {
					msg.appts[i] = append(msg.appts[i], in)
				}
			}
		}
		return msg
	}
}

// loadTimer reads only the running timer: what the status line needs while
// another screen is active.
func (s *timesheetScreen) loadTimer(m *Model) tea.Cmd {
	s.timerSeq++
	seq, st, ctx, person := s.timerSeq, s.st, m.ctx, s.person
	return func() tea.Msg {
		t, err := st.Timer(ctx, person)
		switch {
		case err == nil:
			return tsTimerMsg{seq: seq, timer: &t}
		case errors.Is(err, model.ErrNotFound):
			return tsTimerMsg{seq: seq}
		}
		return tsTimerMsg{seq: seq, err: fmt.Errorf("tui: timer of %s: %w", person, err)}
	}
}

// tsDayIndex is d's position in the week starting on Monday week.
func tsDayIndex(week, d model.LocalDate) int {
	for i := 0; i < 7; i++ {
		if week.AddDays(i) == d {
			return i
		}
	}
	return -1
}

// tsEntries decodes the entries behind instances of a timesheet calendar.
func tsEntries(ctx context.Context, st TimesheetStore, cal model.Calendar, insts []model.Instance) ([]model.TimeEntry, error) {
	var names []string
	seen := map[string]bool{}
	for _, in := range insts {
		if !seen[in.ObjectName] {
			seen[in.ObjectName] = true
			names = append(names, in.ObjectName)
		}
	}
	if len(names) == 0 {
		return nil, nil
	}
	objs, err := st.ObjectsByName(ctx, cal.ID, names)
	if err != nil {
		return nil, err
	}
	events := make(map[string][]model.Event, len(objs))
	for _, o := range objs {
		evs, err := ics.Events(o.Data)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", o.Name, err)
		}
		events[o.Name] = evs
	}
	return model.EntriesOf(insts, events, cal.Person), nil
}

// tsPutEntry stores a new entry in the person's timesheet calendar.
func tsPutEntry(ctx context.Context, st TimesheetStore, cal model.Calendar, e model.TimeEntry) error {
	if err := e.Validate(); err != nil {
		return err
	}
	o, err := ics.New(e.Event())
	if err != nil {
		return err
	}
	o.CalendarID, o.Name = cal.ID, ics.ObjectName(o.UID)
	_, err = st.PutObject(ctx, &o, model.Condition{IfNoneMatch: true})
	return err
}

// toggleTimer stops the running timer into an entry, or starts one at now
// (for the selected appointment or entry, when there is one).
func (s *timesheetScreen) toggleTimer(m *Model) tea.Cmd {
	d := s.data
	if d == nil || d.err != nil {
		return nil
	}
	st, ctx, cal, person, now := s.st, m.ctx, d.cal, s.person, m.Now().Truncate(time.Second)
	if s.timer != nil {
		t := *s.timer
		if err := s.writable(t.Start, now); err != nil {
			m.SetError(err)
			return nil
		}
		return func() tea.Msg { return tsStop(ctx, st, cal, t, now) }
	}
	t := model.Timer{Person: person, Start: now}
	if e, ok := s.selectedEntry(); ok {
		t.Activity, t.Label, t.Client, t.Billable, t.Link = e.Activity, e.Label, e.Client, e.Billable, e.Link
	} else if in, ok := s.selectedAppt(); ok {
		t.Activity, t.Link = in.Summary, in.UID
	}
	return func() tea.Msg { return tsStart(ctx, st, t) }
}

// toggleAnywhere starts or stops the timer from another screen. It reads
// the timer from the store rather than the loaded week, which may be stale
// or not loaded at all; a new timer is for the instance selected in a
// calendar view, if any. The store refuses a stop into an approved day.
func (s *timesheetScreen) toggleAnywhere(m *Model) tea.Cmd {
	st, ctx, owner, person, now := s.st, m.ctx, s.owner, s.person, m.Now().Truncate(time.Second)
	zoneName := m.Location().String()
	start := model.Timer{Person: person, Start: now}
	if in, ok := m.Selected(); ok {
		start.Activity, start.Link = in.Summary, in.UID
	}
	return func() tea.Msg {
		t, err := st.Timer(ctx, person)
		if errors.Is(err, model.ErrNotFound) {
			return tsStart(ctx, st, start)
		}
		if err != nil {
			return tsDoneMsg{err: fmt.Errorf("tui: timer of %s: %w", person, err)}
		}
		cal, err := st.TimesheetCalendar(ctx, owner, person, zoneName)
		if err != nil {
			return tsDoneMsg{err: fmt.Errorf("tui: stop timer: %w", err)}
		}
		return tsStop(ctx, st, cal, t, now)
	}
}

// tsStart starts t.
func tsStart(ctx context.Context, st TimesheetStore, t model.Timer) tea.Msg {
	if err := st.StartTimer(ctx, t); err != nil {
		return tsDoneMsg{err: fmt.Errorf("tui: start timer: %w", err)}
	}
	if t.Activity != "" {
		return tsDoneMsg{info: "timer started: " + t.Activity}
	}
	return tsDoneMsg{info: "timer started"}
}

// tsStop turns the running timer t into an entry of cal ending at now and
// clears it.
func tsStop(ctx context.Context, st TimesheetStore, cal model.Calendar, t model.Timer, now time.Time) tea.Msg {
	e, err := t.Stop(now)
	if err == nil {
		// Another door may have stopped it already: same UID.
		if err = tsPutEntry(ctx, st, cal, e); errors.Is(err, model.ErrConflict) {
			err = nil
		}
	}
	if err == nil {
		if err = st.ClearTimer(ctx, t); errors.Is(err, model.ErrNotFound) {
			err = nil
		}
	}
	if err != nil {
		return tsDoneMsg{err: fmt.Errorf("tui: stop timer: %w", err)}
	}
	return tsDoneMsg{info: "logged " + model.FormatHours(e.End.Sub(e.Start)) + " " + e.Title()}
}

// logAppointment turns the selected appointment into an entry.
func (s *timesheetScreen) logAppointment(m *Model) tea.Cmd {
	in, ok := s.selectedAppt()
	if !ok {
		return nil
	}
	st, ctx, cal := s.st, m.ctx, s.data.cal
	e := model.TimeEntry{Person: s.person, Start: in.Start, End: in.End, Activity: in.Summary, Link: in.UID}
	if err := s.writable(e.Start, e.End); err != nil {
		m.SetError(err)
		return nil
	}
	return func() tea.Msg {
		if err := tsPutEntry(ctx, st, cal, e); err != nil {
			return tsDoneMsg{err: fmt.Errorf("tui: log %q: %w", in.Summary, err)}
		}
		return tsDoneMsg{info: "logged " + in.Summary}
	}
}

// writable tells early, from the loaded week, that [start, end) touches an
// approved day; the store's guard refuses such writes whatever the door.
func (s *timesheetScreen) writable(start, end time.Time) error {
	for _, d := range model.DaysTouched(start, end, s.data.zone) {
		if i := tsDayIndex(s.week, d); i >= 0 && i < len(s.data.sheets) {
			if err := s.data.sheets[i].Writable(); err != nil {
				return err
			}
		}
	}
	return nil
}

// dayRows is the number of rows of the cursor day: entries, then
// appointments.
func (s *timesheetScreen) dayRows() (entries, appts int) {
	if s.data == nil || s.day >= len(s.data.sheets) {
		return 0, 0
	}
	return len(s.data.sheets[s.day].Entries), len(s.data.appts[s.day])
}

func (s *timesheetScreen) selectedEntry() (model.TimeEntry, bool) {
	n, _ := s.dayRows()
	if s.row < n {
		return s.data.sheets[s.day].Entries[s.row], true
	}
	return model.TimeEntry{}, false
}

func (s *timesheetScreen) selectedAppt() (model.Instance, bool) {
	n, a := s.dayRows()
	if i := s.row - n; i >= 0 && i < a {
		return s.data.appts[s.day][i], true
	}
	return model.Instance{}, false
}

func (s *timesheetScreen) Update(m *Model, msg tea.Msg) tea.Cmd {
	s.init(m)
	switch msg := msg.(type) {
	case tsWeekMsg:
		s.gotWeek(m, msg)
	case tsTimerMsg:
		s.gotTimer(m, msg)
	case tsDoneMsg:
		m.Report(msg.err, msg.info)
		return s.load(m)
	case StoreChangedMsg:
		return s.load(m)
	case tea.KeyPressMsg:
		k := s.keys
		switch {
		case key.Matches(msg, k.Left):
			return s.moveDay(m, -1)
		case key.Matches(msg, k.Right):
			return s.moveDay(m, 1)
		case key.Matches(msg, k.Up):
			if s.row > 0 {
				s.row--
			}
		case key.Matches(msg, k.Down):
			if n, a := s.dayRows(); s.row < n+a-1 {
				s.row++
			}
		case key.Matches(msg, k.Prev):
			s.setDay(s.week.AddDays(-7 + s.day))
			return s.load(m)
		case key.Matches(msg, k.Next):
			s.setDay(s.week.AddDays(7 + s.day))
			return s.load(m)
		case key.Matches(msg, k.Today):
			s.setDay(model.DateOf(m.Now()))
			return s.load(m)
		case key.Matches(msg, k.Timer):
			return s.toggleTimer(m)
		case key.Matches(msg, k.Log):
			return s.logAppointment(m)
		}
	}
	return nil
}

func (s *timesheetScreen) gotWeek(m *Model, msg tsWeekMsg) {
	if msg.seq != s.seq {
		return
	}
	if msg.err != nil {
		m.SetError(msg.err)
	} else {
		s.timer = msg.timer
		s.timerSeq++ // a timer load in flight is older
	}
	s.data = &msg
	n, a := s.dayRows()
	if s.row >= n+a {
		s.row = max(0, n+a-1)
	}
}

func (s *timesheetScreen) gotTimer(m *Model, msg tsTimerMsg) {
	if msg.seq != s.timerSeq {
		return
	}
	if msg.err != nil {
		m.SetError(msg.err)
		return
	}
	s.timer = msg.timer
}

// Background keeps the timer current while another screen is active, and
// starts or stops it on the global key.
func (s *timesheetScreen) Background(m *Model, msg tea.Msg) tea.Cmd {
	s.initKeys() // the week is chosen on the first visit, from the cursor day
	switch msg := msg.(type) {
	case tsWeekMsg:
		s.gotWeek(m, msg)
	case tsTimerMsg:
		s.gotTimer(m, msg)
	case tsDoneMsg:
		m.Report(msg.err, msg.info)
		return s.loadTimer(m)
	case StoreChangedMsg:
		return s.loadTimer(m)
	case tea.KeyPressMsg:
		if key.Matches(msg, s.keys.Timer) {
			return s.toggleAnywhere(m)
		}
	}
	return nil
}

// GlobalKeys is the timer key: it starts and stops the timer on every
// screen.
func (s *timesheetScreen) GlobalKeys(m *Model) []key.Binding {
	s.initKeys()
	return []key.Binding{s.timerBinding()}
}

func (s *timesheetScreen) timerBinding() key.Binding {
	b := s.keys.Timer
	if s.timer != nil {
		b.SetHelp("space", "stop timer")
	} else {
		b.SetHelp("space", "start timer")
	}
	return b
}

// Status shows the running timer: how long it runs and on what.
func (s *timesheetScreen) Status(m *Model) string {
	if s.timer == nil {
		return ""
	}
	what := s.timer.Activity
	if what == "" {
		what = "timer"
	}
	return "⏱ " + model.FormatHours(s.timer.Elapsed(m.Now())) + " " + what
}

func (s *timesheetScreen) moveDay(m *Model, dir int) tea.Cmd {
	s.row = 0
	s.day += dir
	if s.day >= 0 && s.day < 7 {
		return nil
	}
	s.setDay(s.week.AddDays(s.day))
	return s.load(m)
}

func (s *timesheetScreen) Title(m *Model) string {
	s.init(m)
	return "week of " + s.week.In(time.UTC).Format("2 Jan 2006")
}

func (s *timesheetScreen) Keys(m *Model) []key.Binding {
	s.init(m)
	k := s.keys
	_, appt := s.selectedAppt()
	return append(enable([]key.Binding{s.timerBinding(), k.Log}, s.data != nil && s.data.err == nil, appt),
		k.Left, k.Right, k.Up, k.Down, k.Prev, k.Next, k.Today)
}

// View draws the week: a summary line, a grid of seven day columns, the
// selected item, and a bar chart of hours per day against the target.
func (s *timesheetScreen) View(m *Model, w, h int) string {
	s.init(m)
	sty := m.sty
	d := s.data
	if d == nil {
		return sty.dim.Render("loading timesheet…")
	}
	if d.err != nil && len(d.sheets) == 0 {
		return sty.err.Render(d.err.Error())
	}
	report := model.NewReport(d.sheets)
	tot := report.Total
	var lines []string
	summary := fmt.Sprintf("%s: worked %s/%s (%s) · billable %s · breaks %s", s.person,
		model.FormatHours(tot.Worked), model.FormatHours(tot.Target), tsSigned(tot.Balance()),
		model.FormatHours(tot.Billable), model.FormatHours(tot.Breaks))
	if tot.Overlaps > 0 {
		summary += " · " + sty.conflict.Render(tsPlural(tot.Overlaps, "overlap"))
	}
	lines = append(lines, fit(sty.title.Render(summary), w))

	chartRows := 8 // blank + 7 bars
	detailRows := 1
	gridRows := h - 1 - chartRows - detailRows
	if gridRows < 4 {
		chartRows, gridRows = 0, h-1-detailRows
	}
	lines = append(lines, s.grid(m, report, w, gridRows)...)
	lines = append(lines, fit(s.detail(m), w))
	if chartRows > 0 {
		lines = append(lines, "")
		lines = append(lines, s.chart(m, report, w)...)
	}
	return strings.Join(lines, "\n")
}

// grid renders seven columns of rows lines: a header per day and its
// entries and unlogged appointments.
func (s *timesheetScreen) grid(m *Model, r model.Report, w, rows int) []string {
	sty := m.sty
	d := s.data
	colW := (w - 6) / 7
	if colW < 6 {
		colW = 6
	}
	today := model.DateOf(m.Now().In(d.zone))
	cols := make([][]string, 7)
	for i := 0; i < 7 && i < len(d.sheets); i++ {
		sh := &d.sheets[i]
		t := r.Daily[i]
		head := sh.Date.In(time.UTC).Format("Mon 2")
		switch sh.Approval.Current() {
		case model.SheetApproved:
			head += " ✓"
		case model.SheetSubmitted:
			head += " …"
		case model.SheetRejected:
			head += " ✗"
		}
		hs := sty.dayHeader
		if sh.Date == today {
			hs = sty.today
		}
		if i == s.day {
			hs = sty.cursorDay
		}
		col := []string{hs.Render(pad(fit(head, colW), colW))}
		hours := model.FormatHours(t.Worked) + "/" + model.FormatHours(t.Target)
		if sh.Off != nil {
			hours = "off: " + sh.Off.Reason
		}
		col = append(col, sty.dim.Render(fit(hours, colW)))
		for j, e := range sh.Entries {
			mark := " "
			if sh.Overlapping(j) {
				mark = "!"
			}
			if e.Break {
				mark = "~"
			}
			text := fit(e.Start.In(d.zone).Format("15:04")+mark+e.Title(), colW)
			st := lipgloss.NewStyle()
			if sh.Overlapping(j) {
				st = sty.conflict
			}
			if i == s.day && j == s.row {
				st = sty.selected
			}
			col = append(col, st.Render(pad(text, colW)))
		}
		n := len(sh.Entries)
		for j, in := range d.appts[i] {
			text := fit("+"+in.Start.In(d.zone).Format("15:04")+" "+in.Summary, colW)
			st := sty.dim
			if i == s.day && n+j == s.row {
				st = sty.selected
			}
			col = append(col, st.Render(pad(text, colW)))
		}
		cols[i] = col
	}
	out := make([]string, rows)
	for row := 0; row < rows; row++ {
		var b strings.Builder
		for i := 0; i < 7; i++ {
			cell := strings.Repeat(" ", colW)
			if row < len(cols[i]) {
				cell = pad(cols[i][row], colW)
			} else if row == rows-1 && len(cols[i]) > rows {
				cell = sty.dim.Render(pad(fmt.Sprintf("+%d more", len(cols[i])-rows+1), colW))
			}
			b.WriteString(cell)
			if i < 6 {
				b.WriteString(" ")
			}
		}
		out[row] = fit(b.String(), w)
	}
	return out
}

// detail describes the selected entry or appointment.
func (s *timesheetScreen) detail(m *Model) string {
	sty := m.sty
	z := s.data.zone
	if e, ok := s.selectedEntry(); ok {
		var flags []string
		if e.Billable {
			flags = append(flags, "billable")
		}
		if e.Break {
			flags = append(flags, "break")
		}
		if e.Label != "" {
			flags = append(flags, "label "+e.Label)
		}
		text := fmt.Sprintf("%s-%s %s %s", e.Start.In(z).Format("Mon 15:04"), e.End.In(z).Format("15:04"),
			model.FormatHours(e.End.Sub(e.Start)), e.Title())
		if len(flags) > 0 {
			text += " · " + strings.Join(flags, ", ")
		}
		if e.Note != "" {
			text += " · " + e.Note
		}
		return sty.field.Render(text)
	}
	if in, ok := s.selectedAppt(); ok {
		return sty.prompt.Render(fmt.Sprintf("a: log %q %s-%s as time", in.Summary,
			in.Start.In(z).Format("Mon 15:04"), in.End.In(z).Format("15:04")))
	}
	return sty.dim.Render("no entries; space starts the timer")
}

// chart draws one bar per day: worked hours against the day's target (the
// ┃ mark), over the same scale for the week.
func (s *timesheetScreen) chart(m *Model, r model.Report, w int) []string {
	sty := m.sty
	scale := 8 * time.Hour
	for i := range r.Daily {
		scale = max(scale, r.Daily[i].Worked, r.Daily[i].Target)
	}
	barW := w - 4 - 1 - 12
	if barW < 7 {
		barW = 7
	}
	cells := func(d time.Duration) int { return int(int64(barW) * int64(d) / int64(scale)) }
	var out []string
	for i, sh := range r.Days {
		t := r.Daily[i]
		worked, target := cells(t.Worked), cells(t.Target)
		var b strings.Builder
		for c := 0; c < barW; c++ {
			switch {
			case c == target && t.Target > 0 && c >= worked:
				b.WriteString("┃")
			case c < worked:
				b.WriteString("█")
			case c < target:
				b.WriteString("░")
			default:
				b.WriteString(" ")
			}
		}
		bar := b.String()
		st := sty.ok
		if t.Worked < t.Target {
			st = sty.dim
		}
		label := sh.Date.In(time.UTC).Format("Mon")
		if i == s.day {
			label = sty.cursorDay.Render(label)
		}
		out = append(out, fit(label+" "+st.Render(bar)+" "+fmt.Sprintf("%5s/%5s", model.FormatHours(t.Worked), model.FormatHours(t.Target)), w))
	}
	return out
}

func tsSigned(d time.Duration) string {
	if d >= 0 {
		return "+" + model.FormatHours(d)
	}
	return model.FormatHours(d)
}

func tsPlural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
