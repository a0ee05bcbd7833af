package tui

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"rota/model"
	"rota/planner"
)

// ScheduleStore is what the schedules screen needs of a store.
// *sqlite.Store satisfies it.
type ScheduleStore interface {
	planner.Store
	Schedules(ctx context.Context, owner string) ([]model.Schedule, error)
}

// NewSchedules returns the schedules screen of owner: the schedules with
// their weekday series as a weekly pattern, the occurrences of the selected
// one with their state and the fields changed by hand highlighted, and
// regeneration with a preview of what it would change (r, then f to force,
// enter to apply).
func NewSchedules(st ScheduleStore, owner string) Screen {
	return &schedulesScreen{st: st, owner: owner, keys: newSchedKeys()}
}

type schedulesScreen struct {
	st    ScheduleStore
	owner string
	keys  schedKeys

	list   []model.Schedule
	sel    int
	occs   []model.ScheduleOccurrence
	occFor int64 // schedule ID the occurrences belong to
	top    int   // first occurrence row shown
	seq    int
	err    error
	loaded bool

	plan  *planner.Plan // preview of a regeneration; nil when none
	force bool
}

type schedKeys struct {
	Up, Down, PageUp, PageDown, Regen, Force, Apply, Cancel key.Binding
}

func newSchedKeys() schedKeys {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return schedKeys{
		Up:       b([]string{"up", "k"}, "↑/k", "schedule above"),
		Down:     b([]string{"down", "j"}, "↓/j", "schedule below"),
		PageUp:   b([]string{"pgup", "["}, "[", "earlier occurrences"),
		PageDown: b([]string{"pgdown", "]"}, "]", "later occurrences"),
		Regen:    b([]string{"r"}, "r", "regenerate (preview)"),
		Force:    b([]string{"f"}, "f", "toggle force"),
		Apply:    b([]string{"enter", "y"}, "enter", "apply"),
		Cancel:   b([]string{"esc", "n"}, "esc", "cancel"),
	}
}

// schedListMsg carries the owner's schedules and the occurrences of the
// one to select (want, or the first).
type schedListMsg struct {
	seq    int
	list   []model.Schedule
	want   int64
	occs   []model.ScheduleOccurrence
	occID  int64
	occErr error
	err    error
}

// schedOccMsg carries the occurrences of one schedule.
type schedOccMsg struct {
	seq  int
	id   int64
	occs []model.ScheduleOccurrence
	err  error
}

// schedPlanMsg carries a regeneration: a preview, or what was written.
type schedPlanMsg struct {
	plan    planner.Plan
	force   bool
	applied bool
	err     error
}

func (s *schedulesScreen) Name() string { return "Schedules" }

func (s *schedulesScreen) Activate(m *Model) tea.Cmd { return s.load(m) }

// load reads the schedules, then (in the same command) the occurrences of
// the selected one.
func (s *schedulesScreen) load(m *Model) tea.Cmd {
	s.seq++
	seq, st, ctx, owner := s.seq, s.st, m.ctx, s.owner
	var want int64
	if s.sel < len(s.list) {
		want = s.list[s.sel].ID
	}
	return func() tea.Msg {
		list, err := st.Schedules(ctx, owner)
		if err != nil {
			return schedListMsg{seq: seq, err: fmt.Errorf("tui: schedules: %w", err)}
		}
		msg := schedListMsg{seq: seq, list: list, want: want}
		if len(list) == 0 {
			return msg
		}
		sc := list[0]
		for _, x := range list {
			if x.ID == want {
				sc = x
			}
		}
		msg.occs, msg.occErr = planner.Occurrences(ctx, st, &sc)
		msg.occID = sc.ID
		return msg
	}
}

// loadOccs reads the occurrences of the selected schedule.
func (s *schedulesScreen) loadOccs(m *Model) tea.Cmd {
	if s.sel >= len(s.list) {
		return nil
	}
	s.seq++
	seq, st, ctx, sc := s.seq, s.st, m.ctx, s.list[s.sel]
	return func() tea.Msg {
		occs, err := planner.Occurrences(ctx, st, &sc)
		return schedOccMsg{seq: seq, id: sc.ID, occs: occs, err: err}
	}
}

func (s *schedulesScreen) regenerate(m *Model, apply bool) tea.Cmd {
	if s.sel >= len(s.list) {
		return nil
	}
	st, ctx, sc, now, force := s.st, m.ctx, s.list[s.sel], m.Now(), s.force
	return func() tea.Msg {
		p, err := planner.Regenerate(ctx, st, &sc, now, force, !apply)
		return schedPlanMsg{plan: p, force: force, applied: apply, err: err}
	}
}

func (s *schedulesScreen) Update(m *Model, msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case schedListMsg:
		if msg.seq != s.seq {
			return nil
		}
		s.loaded, s.err = true, msg.err
		if msg.err != nil {
			return nil
		}
		s.list = msg.list
		s.sel = 0
		for i, sc := range s.list {
			if sc.ID == msg.want {
				s.sel = i
			}
		}
		if msg.occID != s.occFor {
			s.top = -1 // a new schedule: start near today
		}
		s.occs, s.occFor = msg.occs, msg.occID
		if msg.occErr != nil {
			s.err = msg.occErr
		}
		s.clampTop(m)
		return nil
	case schedOccMsg:
		if msg.seq != s.seq {
			return nil
		}
		if msg.id != s.occFor {
			s.top = -1
		}
		s.occs, s.occFor, s.err = msg.occs, msg.id, msg.err
		s.clampTop(m)
		return nil
	case schedPlanMsg:
		if msg.err != nil {
			s.plan = nil
			m.SetError(msg.err)
			return nil
		}
		if msg.applied {
			s.plan = nil
			m.SetMessage(planSummary(&msg.plan, "regenerated"))
			return s.loadOccs(m)
		}
		p := msg.plan
		s.plan, s.force = &p, msg.force
		return nil
	case StoreChangedMsg:
		return s.load(m)
	case tea.KeyPressMsg:
		return s.key(m, msg)
	}
	return nil
}

func (s *schedulesScreen) key(m *Model, msg tea.KeyPressMsg) tea.Cmd {
	k := s.keys
	if s.plan != nil {
		switch {
		case key.Matches(msg, k.Apply):
			return s.regenerate(m, true)
		case key.Matches(msg, k.Force):
			s.force = !s.force
			return s.regenerate(m, false)
		case key.Matches(msg, k.Cancel):
			s.plan = nil
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Up):
		if s.sel > 0 {
			s.sel--
			return s.loadOccs(m)
		}
	case key.Matches(msg, k.Down):
		if s.sel+1 < len(s.list) {
			s.sel++
			return s.loadOccs(m)
		}
	case key.Matches(msg, k.PageUp):
		s.top = max(s.top-10, 0)
	case key.Matches(msg, k.PageDown):
		s.top += 10
		s.clampTop(m)
	case key.Matches(msg, k.Regen):
		s.force = false
		return s.regenerate(m, false)
	}
	return nil
}

// clampTop keeps the occurrence window in range; top -1 (a schedule just
// shown) starts two occurrences before the first one from today, so the
// recent past stays in sight.
func (s *schedulesScreen) clampTop(m *Model) {
	if s.top == -1 {
		s.top = len(s.occs)
		for i, o := range s.occs {
			if !o.Planned.Start.Before(m.Now()) {
				s.top = i
				break
			}
		}
		s.top -= 2
	}
	if s.top >= len(s.occs) {
		s.top = len(s.occs) - 1
	}
	if s.top < 0 {
		s.top = 0
	}
}

func (s *schedulesScreen) Title(m *Model) string {
	if s.sel < len(s.list) {
		sc := s.list[s.sel]
		return fmt.Sprintf("%s · %s to %s", sc.Name, sc.Start, sc.End)
	}
	return "schedules"
}

func (s *schedulesScreen) Keys(m *Model) []key.Binding {
	k := s.keys
	if s.plan != nil {
		force := k.Force
		if s.force {
			force.SetHelp("f", "force: on")
		} else {
			force.SetHelp("f", "force: off")
		}
		return []key.Binding{k.Apply, force, k.Cancel}
	}
	some := len(s.list) > 0
	return enable([]key.Binding{k.Regen, k.Up, k.Down, k.PageUp, k.PageDown},
		some, s.sel > 0, s.sel+1 < len(s.list), s.top > 0, s.top+1 < len(s.occs))
}

// View draws the schedule list with weekly patterns, then either the
// regeneration preview or the occurrences table.
func (s *schedulesScreen) View(m *Model, w, h int) string {
	sty := m.sty
	if !s.loaded {
		return sty.dim.Render("loading schedules…")
	}
	if s.err != nil && len(s.list) == 0 {
		return sty.err.Render(s.err.Error())
	}
	if len(s.list) == 0 {
		return sty.dim.Render("no schedules yet: create one with rota schedule create (see rota schedule help)")
	}
	var lines []string
	listRows := len(s.list)
	if listRows > h/3 {
		listRows = h / 3
	}
	first := 0
	if s.sel >= listRows {
		first = s.sel - listRows + 1
	}
	for i := first; i < first+listRows && i < len(s.list); i++ {
		sc := s.list[i]
		line := fmt.Sprintf("%-12s %-20s %s..%s  %s", sc.Name, sc.Template.Title, sc.Start, sc.End, weekPattern(&sc))
		st := lipgloss.NewStyle()
		if i == s.sel {
			st = sty.selected
		}
		lines = append(lines, st.Render(pad(fit(line, w), w)))
	}
	sc := s.list[s.sel]
	lines = append(lines, sty.grid.Render(strings.Repeat("─", w)))
	for _, ser := range sortedSeries(&sc) {
		lines = append(lines, fit(sty.dim.Render(seriesLine(ser)), w))
	}
	if s.plan != nil {
		lines = append(lines, s.planView(m, w)...)
		return strings.Join(lines, "\n")
	}
	loc, err := model.LoadZone(sc.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	lines = append(lines, sty.title.Render(fit(fmt.Sprintf("%-10s %-3s %-10s %-10s %-8s %-7s %-15s %s",
		"DATE", "DAY", "PLANNED", "ACTUAL", "WHO", "CLIENTS", "STATE", "CHANGED BY HAND"), w)))
	if s.err != nil {
		lines = append(lines, sty.err.Render(fit(s.err.Error(), w)))
	}
	if s.occFor != sc.ID {
		return strings.Join(append(lines, sty.dim.Render("loading occurrences…")), "\n")
	}
	for i := s.top; i < len(s.occs) && len(lines) < h; i++ {
		o := s.occs[i]
		actual := o.Actual.Start.In(loc).Format("15:04") + " " + shortDuration(o.Actual.Duration)
		changed := strings.Join(o.Changed.Names(), ", ")
		if o.Deleted {
			actual, changed = "-", "deleted"
		}
		line := fmt.Sprintf("%-10s %-3s %-10s %-10s %-8s %-7s %-15s %s", o.Date, model.WeekdayName(o.Weekday),
			o.Planned.Start.In(loc).Format("15:04")+" "+shortDuration(o.Planned.Duration), actual, fit(o.Actual.Person, 8),
			fmt.Sprintf("%d/%d", len(o.Clients), o.Capacity), o.State, changed)
		if o.Overbooked() {
			line += "  overbooked"
		}
		st := lipgloss.NewStyle()
		switch {
		case o.HandChanged() || o.Overbooked():
			st = sty.conflict
		case o.Planned.Start.Before(m.Now()):
			st = sty.dim
		}
		lines = append(lines, st.Render(fit(line, w)))
	}
	return strings.Join(lines, "\n")
}

func (s *schedulesScreen) planView(m *Model, w int) []string {
	sty := m.sty
	p := s.plan
	head := planSummary(p, "preview")
	if s.force {
		head += " · force: hand changes are overwritten"
	}
	lines := []string{sty.title.Render(fit(head, w))}
	row := func(tag string, st lipgloss.Style, o model.ScheduleOccurrence, note string) {
		lines = append(lines, st.Render(fit(fmt.Sprintf("  %-7s %s %s %s  %s", tag, o.Date, model.WeekdayName(o.Weekday),
			o.Planned.Start.Format("15:04"), note), w)))
	}
	for _, o := range p.Create {
		row("create", sty.ok, o, string(o.State))
	}
	for _, o := range p.Update {
		row("change", lipgloss.NewStyle(), o, string(o.State))
	}
	for _, o := range p.Delete {
		row("delete", sty.err, o, string(o.State))
	}
	for _, o := range p.Kept {
		why := "changed by hand: " + strings.Join(o.Changed.Names(), ", ")
		if o.Deleted {
			why = "deleted by hand"
		}
		row("keep", sty.conflict, o, why+" (f to force)")
	}
	if p.Changes() == 0 && len(p.Kept) == 0 {
		lines = append(lines, sty.dim.Render("  nothing to change"))
	}
	return lines
}

func planSummary(p *planner.Plan, what string) string {
	return fmt.Sprintf("%s: %d to create, %d to change, %d to delete, %d kept, %d unchanged, %d past",
		what, len(p.Create), len(p.Update), len(p.Delete), len(p.Kept), len(p.Unchanged), len(p.Past))
}

// weekPattern marks the weekdays with a series: "Mo Tu -- We ...".
func weekPattern(sc *model.Schedule) string {
	var b strings.Builder
	for i := 0; i < 7; i++ {
		d := time.Weekday((i + 1) % 7)
		if i > 0 {
			b.WriteByte(' ')
		}
		if _, ok := sc.SeriesFor(d); ok {
			code := model.WeekdayICal(d)
			b.WriteString(code[:1] + strings.ToLower(code[1:]))
		} else {
			b.WriteString("··")
		}
	}
	return b.String()
}

func sortedSeries(sc *model.Schedule) []model.WeekdaySeries {
	out := append([]model.WeekdaySeries(nil), sc.Series...)
	sort.Slice(out, func(i, j int) bool { return (out[i].Weekday+6)%7 < (out[j].Weekday+6)%7 })
	return out
}

func seriesLine(ser model.WeekdaySeries) string {
	line := fmt.Sprintf("  %s %s %s  %s  cap %d", model.WeekdayName(ser.Weekday), model.FormatClock(ser.Time)[:5],
		shortDuration(ser.Duration), ser.Person, ser.Capacity)
	if ser.Break > 0 {
		line += "  break " + shortDuration(ser.Break)
	}
	for _, l := range ser.Labels {
		line += "  #" + l.Name
	}
	for _, r := range ser.Resources {
		line += "  @" + r
	}
	return line
}

func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
