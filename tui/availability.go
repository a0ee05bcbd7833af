package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"rota/model"
)

// AvailabilityStore is what the availability editor needs of a store.
// *sqlite.Store satisfies it.
type AvailabilityStore interface {
	Availabilities(ctx context.Context, owner string) ([]model.Availability, error)
	PutAvailability(ctx context.Context, a *model.Availability) error
}

// NewAvailability returns the availability editor of owner: the weekly
// rules of each availability as seven rows (o opens or closes a day, [ ]
// move its start and { } its end by half an hour), then its date rules and
// absences (a asks for leave on the cursor day, s steps an absence through
// requested, approved and rejected, x removes it). n shows the next
// availability. Every change is written at once; a free-slot search sees
// it immediately.
func NewAvailability(st AvailabilityStore, owner string) Screen {
	return &availScreen{st: st, owner: owner, keys: newAvailKeys()}
}

type availScreen struct {
	st    AvailabilityStore
	owner string
	keys  availKeys

	list   []model.Availability
	cur    int // which availability
	row    int // 0..6 weekdays (Monday first), then absences
	seq    int
	err    error
	loaded bool
}

type availKeys struct {
	Up, Down, Next, Toggle, StartEarlier, StartLater, EndEarlier, EndLater, Leave, State, Remove key.Binding
}

func newAvailKeys() availKeys {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return availKeys{
		Up:           b([]string{"up", "k"}, "↑/k", "up"),
		Down:         b([]string{"down", "j"}, "↓/j", "down"),
		Next:         b([]string{"n"}, "n", "next availability"),
		Toggle:       b([]string{"o"}, "o", "open/close day"),
		StartEarlier: b([]string{"["}, "[", "start earlier"),
		StartLater:   b([]string{"]"}, "]", "start later"),
		EndEarlier:   b([]string{"{"}, "{", "end earlier"),
		EndLater:     b([]string{"}"}, "}", "end later"),
		Leave:        b([]string{"a"}, "a", "ask leave on cursor day"),
		State:        b([]string{"s"}, "s", "requested/approved/rejected"),
		Remove:       b([]string{"x"}, "x", "remove absence"),
	}
}

// availListMsg carries the owner's availabilities.
type availListMsg struct {
	seq  int
	list []model.Availability
	err  error
}

// availSavedMsg reports a write of the editor.
type availSavedMsg struct {
	info string
	err  error
}

func (s *availScreen) Name() string { return "Availability" }

func (s *availScreen) Activate(m *Model) tea.Cmd { return s.load(m) }

func (s *availScreen) load(m *Model) tea.Cmd {
	s.seq++
	seq, st, ctx, owner := s.seq, s.st, m.ctx, s.owner
	return func() tea.Msg {
		list, err := st.Availabilities(ctx, owner)
		if err != nil {
			err = fmt.Errorf("tui: availabilities: %w", err)
		}
		return availListMsg{seq: seq, list: list, err: err}
	}
}

func (s *availScreen) save(m *Model, a model.Availability, info string) tea.Cmd {
	st, ctx := s.st, m.ctx
	return func() tea.Msg {
		if err := st.PutAvailability(ctx, &a); err != nil {
			return availSavedMsg{err: err}
		}
		return availSavedMsg{info: info}
	}
}

// weekdayOf maps rows 0..6 to Monday..Sunday.
func weekdayOf(row int) time.Weekday { return time.Weekday((row + 1) % 7) }

// ruleIndex is the index of the first weekly rule of d, -1 if none.
func ruleIndex(a *model.Availability, d time.Weekday) int {
	for i, r := range a.Rules {
		if r.Date.IsZero() && r.Weekday == d {
			return i
		}
	}
	return -1
}

func (s *availScreen) Update(m *Model, msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case availListMsg:
		if msg.seq != s.seq {
			return nil
		}
		s.loaded, s.err = true, msg.err
		if msg.err == nil {
			s.list = msg.list
		}
		if s.cur >= len(s.list) {
			s.cur = 0
		}
		s.clampRow()
		return nil
	case availSavedMsg:
		m.Report(msg.err, msg.info)
		return s.load(m)
	case StoreChangedMsg:
		return s.load(m)
	case tea.KeyPressMsg:
		return s.key(m, msg)
	}
	return nil
}

func (s *availScreen) clampRow() {
	max := 7
	if s.cur < len(s.list) {
		max += len(s.list[s.cur].Absences)
	}
	if s.row >= max {
		s.row = max - 1
	}
	if s.row < 0 {
		s.row = 0
	}
}

func (s *availScreen) key(m *Model, msg tea.KeyPressMsg) tea.Cmd {
	k := s.keys
	if s.cur >= len(s.list) {
		return nil
	}
	a := cloneAvailability(s.list[s.cur])
	switch {
	case key.Matches(msg, k.Up):
		s.row--
		s.clampRow()
		return nil
	case key.Matches(msg, k.Down):
		s.row++
		s.clampRow()
		return nil
	case key.Matches(msg, k.Next):
		s.cur = (s.cur + 1) % len(s.list)
		s.row = 0
		return nil
	case key.Matches(msg, k.Leave):
		d := model.DateOf(m.Day().In(a.Location()))
		a.Absences = append(a.Absences, model.Absence{From: d, To: d, Leave: true, State: model.AbsenceRequested})
		return s.save(m, a, "leave requested on "+d.String())
	}
	if s.row < 7 {
		d := weekdayOf(s.row)
		i := ruleIndex(&a, d)
		shift := func(start bool, by time.Duration) tea.Cmd {
			if i < 0 {
				return nil
			}
			iv := &a.Rules[i].Intervals[0]
			if start {
				iv.From += by
			} else {
				iv.To += by
			}
			if iv.From < 0 || iv.To > 24*time.Hour || iv.To <= iv.From {
				return nil
			}
			return s.save(m, a, fmt.Sprintf("%s %s-%s", model.WeekdayName(d), model.FormatClock(iv.From)[:5], model.FormatClock(iv.To)[:5]))
		}
		switch {
		case key.Matches(msg, k.Toggle):
			if i >= 0 {
				kept := a.Rules[:0]
				for _, r := range a.Rules {
					if !(r.Date.IsZero() && r.Weekday == d) {
						kept = append(kept, r)
					}
				}
				a.Rules = kept
				return s.save(m, a, model.WeekdayName(d)+" closed")
			}
			a.Rules = append(a.Rules, model.AvailabilityRule{Weekday: d, Intervals: []model.DayInterval{{From: 9 * time.Hour, To: 17 * time.Hour}}})
			return s.save(m, a, model.WeekdayName(d)+" open 09:00-17:00")
		case key.Matches(msg, k.StartEarlier):
			return shift(true, -30*time.Minute)
		case key.Matches(msg, k.StartLater):
			return shift(true, 30*time.Minute)
		case key.Matches(msg, k.EndEarlier):
			return shift(false, -30*time.Minute)
		case key.Matches(msg, k.EndLater):
			return shift(false, 30*time.Minute)
		}
		return nil
	}
	j := s.row - 7
	if j >= len(a.Absences) {
		return nil
	}
	switch {
	case key.Matches(msg, k.State):
		next := map[model.AbsenceState]model.AbsenceState{
			model.AbsenceRequested: model.AbsenceApproved, model.AbsenceApproved: model.AbsenceRejected, model.AbsenceRejected: model.AbsenceRequested}
		a.Absences[j].State = next[a.Absences[j].State]
		return s.save(m, a, fmt.Sprintf("absence %s %s", a.Absences[j].From, a.Absences[j].State))
	case key.Matches(msg, k.Remove):
		a.Absences = append(a.Absences[:j], a.Absences[j+1:]...)
		return s.save(m, a, "absence removed")
	}
	return nil
}

func cloneAvailability(a model.Availability) model.Availability {
	c := a
	c.Rules = make([]model.AvailabilityRule, len(a.Rules))
	for i, r := range a.Rules {
		c.Rules[i] = r
		c.Rules[i].Intervals = append([]model.DayInterval(nil), r.Intervals...)
	}
	c.Absences = append([]model.Absence(nil), a.Absences...)
	c.Blocks = append([]model.Block(nil), a.Blocks...)
	return c
}

func (s *availScreen) Title(m *Model) string {
	if s.cur < len(s.list) {
		a := s.list[s.cur]
		who := a.Person
		if who == "" {
			who = fmt.Sprintf("calendar %d", a.CalendarID)
		}
		return fmt.Sprintf("%s · %s · %s", a.Name, who, a.TimeZone)
	}
	return "availability"
}

// AllKeys lists every binding of the editor, for the ? page.
func (s *availScreen) AllKeys(m *Model) []key.Binding {
	k := s.keys
	return []key.Binding{k.Toggle, k.StartEarlier, k.StartLater, k.EndEarlier, k.EndLater, k.Leave, k.State, k.Remove, k.Up, k.Down, k.Next}
}

func (s *availScreen) Keys(m *Model) []key.Binding {
	k := s.keys
	if s.cur >= len(s.list) {
		return nil
	}
	day := s.row < 7
	open := day && ruleIndex(&s.list[s.cur], weekdayOf(s.row)) >= 0
	return enable([]key.Binding{k.Toggle, k.StartEarlier, k.StartLater, k.EndEarlier, k.EndLater, k.State, k.Remove, k.Leave, k.Up, k.Down, k.Next},
		day, open, open, open, open, !day, !day, true, true, true, len(s.list) > 1)
}

// View shows the weekly rules as seven rows with a bar of the open hours,
// then the date rules and the absences.
func (s *availScreen) View(m *Model, w, h int) string {
	sty := m.sty
	if !s.loaded {
		return sty.dim.Render("loading availability…")
	}
	if s.err != nil {
		return sty.err.Render(s.err.Error())
	}
	if len(s.list) == 0 {
		return sty.dim.Render("no availability yet: rota schedule availability set --name N --person P --rule mon=09:00-17:00")
	}
	a := s.list[s.cur]
	var lines []string
	barW := w - 40
	if barW > 48 {
		barW = 48
	}
	for row := 0; row < 7; row++ {
		d := weekdayOf(row)
		var ivs []string
		bar := make([]rune, max(barW, 0))
		for i := range bar {
			bar[i] = '·'
		}
		for _, r := range a.Rules {
			if !r.Date.IsZero() || r.Weekday != d {
				continue
			}
			for _, iv := range r.Intervals {
				ivs = append(ivs, model.FormatClock(iv.From)[:5]+"-"+model.FormatClock(iv.To)[:5])
				for i := range bar {
					at := time.Duration(i) * 24 * time.Hour / time.Duration(len(bar))
					if at >= iv.From && at < iv.To {
						bar[i] = '█'
					}
				}
			}
		}
		text := "closed"
		if len(ivs) > 0 {
			text = strings.Join(ivs, ", ")
		}
		line := fmt.Sprintf("%-4s %-24s %s", model.WeekdayName(d), text, string(bar))
		st := lipgloss.NewStyle()
		if len(ivs) == 0 {
			st = sty.dim
		}
		if row == s.row {
			st = sty.selected
		}
		lines = append(lines, st.Render(pad(fit(line, w), w)))
	}
	for _, r := range a.Rules {
		if r.Date.IsZero() {
			continue
		}
		var ivs []string
		for _, iv := range r.Intervals {
			ivs = append(ivs, model.FormatClock(iv.From)[:5]+"-"+model.FormatClock(iv.To)[:5])
		}
		if len(ivs) == 0 {
			ivs = []string{"closed"}
		}
		lines = append(lines, sty.dim.Render(fit("date "+r.Date.String()+": "+strings.Join(ivs, ", "), w)))
	}
	lines = append(lines, "", sty.title.Render("Holidays and leave"))
	if len(a.Absences) == 0 {
		lines = append(lines, sty.dim.Render("  none (a asks for leave on the cursor day)"))
	}
	for j, ab := range a.Absences {
		what := "holiday"
		if ab.Leave {
			what = "leave"
		}
		line := fmt.Sprintf("  %-7s %s..%s  %-9s %s", what, ab.From, ab.To, ab.State, ab.Reason)
		st := lipgloss.NewStyle()
		if !ab.Blocks() {
			st = sty.dim
		}
		if s.row == 7+j {
			st = sty.selected
		}
		lines = append(lines, st.Render(pad(fit(line, w), w)))
	}
	return strings.Join(lines, "\n")
}
