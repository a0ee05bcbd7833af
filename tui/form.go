package tui

import (
	"errors"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"rota/model"
)

// Form fields, in order.
const (
	fTitle = iota
	fDate
	fStart
	fEnd
	fAllDay
	fLocation
	fDescription
	fLabels
	fPeople
	fResources
	fCalendar
	nFields
)

var fieldNames = [nFields]string{"title", "date", "start", "end", "all day", "location", "description", "labels", "participants", "resources", "calendar"}

// form creates or edits an event. It validates as the user types, names
// the field at fault, and shows conflicts with other bookings.
type form struct {
	create  bool
	scope   scope
	inst    model.Instance // the instance edited
	calID   int64
	base    model.Event // what the form started from
	etag    string      // version the user is editing
	waiting bool        // the object is still loading

	inputs []textinput.Model
	focus  int

	err       error // validation, live
	saveErr   error // the last save, kept until the next one
	conflicts []string
	checkErr  error
	checkSeq  int
	lastCheck string
}

func (m *Model) newForm() *form {
	f := &form{inputs: make([]textinput.Model, nFields)}
	st := textinput.DefaultStyles(m.sty.dark)
	st.Cursor.Blink = false
	for i := range f.inputs {
		in := textinput.New()
		in.Prompt = ""
		in.SetStyles(st)
		in.SetWidth(40)
		f.inputs[i] = in
	}
	f.inputs[fDate].Placeholder = "YYYY-MM-DD"
	f.inputs[fStart].Placeholder = "HH:MM"
	f.inputs[fEnd].Placeholder = "HH:MM"
	f.inputs[fAllDay].Placeholder = "yes or no"
	f.inputs[fLabels].Placeholder = "comma separated"
	f.inputs[fPeople].Placeholder = "emails, comma separated"
	f.inputs[fResources].Placeholder = "rooms, equipment"
	f.inputs[fTitle].Focus()
	return f
}

// startCreate opens an empty form on the cursor day, at the next full hour
// after the selected instance (or 09:00).
func (m *Model) startCreate() tea.Cmd {
	if m.focusCal == 0 {
		m.SetError(errors.New("tui: no calendar to create in: make one with `rota import` or `rota demo`"))
		return nil
	}
	f := m.newForm()
	f.create = true
	f.calID = m.focusCal
	start := m.day.Add(9 * time.Hour)
	if in, ok := m.selected(); ok && !in.AllDay && m.dayNum(in.End) == m.dayNum(m.day) {
		start = in.End.In(m.loc).Truncate(time.Minute)
	}
	f.base = model.Event{Kind: model.KindAppointment, Component: "VEVENT", Start: start, End: start.Add(time.Hour)}
	if m.loc != time.UTC && m.loc.String() != "Local" {
		f.base.TZID = m.loc.String()
	}
	m.fillForm(f, f.base, start, start.Add(time.Hour))
	if c, ok := m.calendar(f.calID); ok {
		f.inputs[fCalendar].SetValue(c.Name)
	}
	m.form = f
	m.prompt(modeForm)
	return m.formChanged()
}

// openEditForm loads the instance's object, then fills the form.
func (m *Model) openEditForm(in model.Instance, sc scope) tea.Cmd {
	f := m.newForm()
	f.inst, f.scope, f.calID, f.waiting = in, sc, in.CalendarID, true
	m.form = f
	m.prompt(modeForm)
	return loadDetail(m.ctx, m.store, in)
}

func (m *Model) formLoaded(msg detailMsg) tea.Cmd {
	f := m.form
	f.waiting = false
	if msg.err != nil {
		f.saveErr = msg.err
		return nil
	}
	ev, _ := instanceEvent(msg.events, f.inst, m.loc)
	f.base = ev
	f.etag = msg.obj.ETag
	m.fillForm(f, ev, f.inst.Start, f.inst.End)
	if c, ok := m.calendar(f.calID); ok {
		f.inputs[fCalendar].SetValue(c.Name)
	}
	return m.formChanged()
}

func (m *Model) fillForm(f *form, ev model.Event, start, end time.Time) {
	s, e := start.In(m.loc), end.In(m.loc)
	f.inputs[fTitle].SetValue(ev.Title)
	f.inputs[fDate].SetValue(s.Format("2006-01-02"))
	f.inputs[fStart].SetValue(s.Format("15:04"))
	f.inputs[fEnd].SetValue(e.Format("15:04"))
	f.inputs[fAllDay].SetValue(yesNo(ev.AllDay))
	f.inputs[fLocation].SetValue(ev.Location)
	f.inputs[fDescription].SetValue(oneLine(ev.Description))
	var ls []string
	for _, l := range ev.Labels {
		ls = append(ls, l.Name)
	}
	f.inputs[fLabels].SetValue(strings.Join(ls, ", "))
	var ps []string
	for _, p := range ev.Participants {
		if p.Email != "" && p.Type != model.TypeRoom && p.Type != model.TypeResource {
			ps = append(ps, p.Email)
		}
	}
	f.inputs[fPeople].SetValue(strings.Join(ps, ", "))
	f.inputs[fResources].SetValue(strings.Join(ev.Resources, ", "))
}

// splitList reads a comma-separated field.
func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// participantsFrom merges the emails typed in the form with the event's
// participants: known ones keep their name, role and answer; rooms,
// resources and attendees without an email are kept as they are; new
// emails are invited (needs action).
func participantsFrom(emails []string, old []model.Participant) ([]model.Participant, error) {
	byEmail := map[string]model.Participant{}
	var out []model.Participant
	for _, p := range old {
		if p.Email == "" || p.Type == model.TypeRoom || p.Type == model.TypeResource {
			out = append(out, p)
			continue
		}
		byEmail[strings.ToLower(p.Email)] = p
	}
	for _, e := range emails {
		if !strings.Contains(e, "@") || strings.ContainsAny(e, " <>\"") {
			return nil, model.Invalid("participants", "%q is not an email address", e)
		}
		if p, ok := byEmail[strings.ToLower(e)]; ok {
			out = append(out, p)
			delete(byEmail, strings.ToLower(e))
			continue
		}
		out = append(out, model.Participant{Email: e, Role: model.RoleRequired, Type: model.TypeIndividual, Status: model.InviteNeedsAction, RSVP: true})
	}
	return out, nil
}

// event reads the form into an event, naming the field at fault.
func (m *Model) formEvent(f *form) (model.Event, int64, error) {
	ev := f.base
	v := func(i int) string { return strings.TrimSpace(f.inputs[i].Value()) }
	ev.Title = v(fTitle)
	if ev.Title == "" {
		return ev, 0, model.Invalid("title", "required")
	}
	day, err := time.ParseInLocation("2006-01-02", v(fDate), m.loc)
	if err != nil {
		return ev, 0, model.Invalid("date", "%q is not YYYY-MM-DD", v(fDate))
	}
	switch strings.ToLower(v(fAllDay)) {
	case "yes", "y", "true":
		days := 1
		if f.base.AllDay && !f.base.End.IsZero() {
			days = max(1, int(f.base.End.Sub(f.base.Start).Hours()+12)/24)
		}
		ev.AllDay, ev.Floating, ev.TZID = true, false, ""
		ev.Start = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
		ev.End = ev.Start.AddDate(0, 0, days)
	case "no", "n", "false", "":
		hm := func(i int) (time.Time, error) {
			t, err := time.Parse("15:04", v(i))
			if err != nil {
				return t, model.Invalid(fieldNames[i], "%q is not HH:MM", v(i))
			}
			return time.Date(day.Year(), day.Month(), day.Day(), t.Hour(), t.Minute(), 0, 0, m.loc), nil
		}
		s, err := hm(fStart)
		if err != nil {
			return ev, 0, err
		}
		e, err := hm(fEnd)
		if err != nil {
			return ev, 0, err
		}
		if f.base.AllDay {
			ev.AllDay = false
			if m.loc != time.UTC && m.loc.String() != "Local" {
				ev.TZID = m.loc.String()
			}
		}
		ev.Start, ev.End = toEventTime(s, ev, m.loc), toEventTime(e, ev, m.loc)
	default:
		return ev, 0, model.Invalid("all day", "%q is not yes or no", v(fAllDay))
	}
	ev.Location = v(fLocation)
	if v(fDescription) != oneLine(f.base.Description) {
		ev.Description = v(fDescription)
	}
	colors := map[string]string{}
	for _, l := range f.base.Labels {
		colors[strings.ToLower(l.Name)] = l.Color
	}
	ev.Labels = nil
	for _, name := range splitList(v(fLabels)) {
		ev.Labels = append(ev.Labels, model.Label{Name: name, Color: colors[strings.ToLower(name)]})
	}
	ps, err := participantsFrom(splitList(v(fPeople)), f.base.Participants)
	if err != nil {
		return ev, 0, err
	}
	ev.Participants = ps
	ev.Resources = splitList(v(fResources))
	calID := f.calID
	if f.create {
		calID = 0
		for _, c := range m.cals {
			if strings.EqualFold(c.Name, v(fCalendar)) || strings.EqualFold(c.DisplayName, v(fCalendar)) {
				calID = c.ID
			}
		}
		if calID == 0 {
			return ev, 0, model.Invalid("calendar", "no calendar %q (press esc, then c to list them)", v(fCalendar))
		}
	}
	check := ev
	if check.UID == "" {
		check.UID = "new"
	}
	if err := check.Validate(); err != nil {
		return ev, 0, err
	}
	return ev, calID, nil
}

// formChanged validates the form and, when the time changed, looks for
// conflicts.
func (m *Model) formChanged() tea.Cmd {
	f := m.form
	ev, _, err := m.formEvent(f)
	f.err = err
	if err != nil {
		return nil
	}
	sig := ev.Start.String() + ev.End.String() + yesNo(ev.AllDay) + v(f, fPeople) + "|" + v(f, fResources)
	if sig == f.lastCheck {
		return nil
	}
	f.lastCheck = sig
	f.checkSeq++
	return checkConflicts(m.ctx, m.store, f.checkSeq, ev, f.inst, m.loc)
}

func v(f *form, i int) string { return strings.TrimSpace(f.inputs[i].Value()) }

func (f *form) key(m *Model, msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Cancel):
		m.form = nil
		m.mode = m.back
		return nil
	case msg.String() == "tab" || msg.String() == "down":
		return f.move(1)
	case msg.String() == "shift+tab" || msg.String() == "up":
		return f.move(-1)
	case key.Matches(msg, k.Save):
		if f.waiting {
			return nil
		}
		return m.saveForm()
	}
	if f.waiting {
		return nil
	}
	var cmd tea.Cmd
	f.inputs[f.focus], cmd = f.inputs[f.focus].Update(msg)
	return tea.Batch(cmd, m.formChanged())
}

func (f *form) update(m *Model, msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	f.inputs[f.focus], cmd = f.inputs[f.focus].Update(msg)
	return cmd
}

func (f *form) move(dir int) tea.Cmd {
	f.inputs[f.focus].Blur()
	n := nFields
	if !f.create {
		n-- // the calendar of a stored event is not edited here
	}
	f.focus = (f.focus + dir + n) % n
	return f.inputs[f.focus].Focus()
}

func (m *Model) saveForm() tea.Cmd {
	f := m.form
	ev, calID, err := m.formEvent(f)
	if err != nil {
		f.err = err
		return nil
	}
	f.saveErr = nil
	if f.create {
		return m.writing(create(m.ctx, m.store, calID, ev, m.loc))
	}
	got := ev
	change := func(e *model.Event) error {
		e.Title, e.Location, e.Description, e.Labels = got.Title, got.Location, got.Description, got.Labels
		e.Start, e.End, e.AllDay, e.TZID = got.Start, got.End, got.AllDay, got.TZID
		e.Resources = got.Resources
		if ps, err := participantsFrom(splitList(v(f, fPeople)), e.Participants); err == nil {
			e.Participants = ps
		}
		if e.AllDay {
			e.Floating = false
		}
		return e.Validate()
	}
	return m.writing(writeChange(m.ctx, m.store, f.inst, f.scope, f.etag, m.loc, change, "saved", true))
}

func (f *form) view(m *Model, w, h int) string {
	var b strings.Builder
	title := "  New event"
	if !f.create {
		title = "  Edit " + quoteTitle(f.inst.Summary)
		switch f.scope {
		case scopeThis:
			title += " · this one only"
		case scopeFollowing:
			title += " · this and following"
		case scopeAll:
			title += " · every instance"
		}
	}
	b.WriteString(m.sty.title.Render(title))
	if f.waiting {
		b.WriteString("\n" + m.sty.dim.Render("  loading…"))
		return b.String()
	}
	var bad string
	var fe *model.FieldError
	if errors.As(f.err, &fe) {
		bad = fe.Field
	}
	n := nFields
	if !f.create {
		n--
	}
	for i := 0; i < n; i++ {
		b.WriteByte('\n')
		label := pad("  "+fieldNames[i], 16)
		st := m.sty.field
		if i == f.focus {
			st = m.sty.fieldFocus
		}
		if fieldNames[i] == bad {
			st = m.sty.err
		}
		b.WriteString(st.Render(label) + f.inputs[i].View())
	}
	b.WriteByte('\n')
	switch {
	case f.err != nil:
		b.WriteString("\n" + m.sty.err.Render("  ✗ "+f.err.Error()))
	default:
		b.WriteString("\n" + m.sty.ok.Render("  ✓ ready to save (enter)"))
	}
	for i, c := range f.conflicts {
		if i == 0 {
			b.WriteString("\n" + m.sty.conflict.Render("  conflicts (saving marks the event): "))
		}
		b.WriteString("\n" + m.sty.conflict.Render("    "+c))
	}
	if f.checkErr != nil {
		b.WriteString("\n" + m.sty.err.Render("  "+f.checkErr.Error()))
	}
	if f.saveErr != nil {
		b.WriteString("\n" + m.sty.err.Render("  not saved: "+f.saveErr.Error()))
		b.WriteString("\n" + m.sty.dim.Render("  your text is kept; esc discards it"))
	}
	return b.String()
}
