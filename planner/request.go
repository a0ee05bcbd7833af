package planner

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"rota/model"
)

// ScheduleRequest is the body of the seed's "create a schedule" request
// (Altegio POST /schedules, 000_*.txt) with what rota adds: a name, the
// template's title, description, location and clients, a start date and a
// time zone. IDs (team members, labels, resource instances) may be numbers,
// as in the seed, or names.
type ScheduleRequest struct {
	Name               string          `json:"name"`
	OriginalEntityType string          `json:"original_entity_type"`
	OriginalEntityID   json.RawMessage `json:"original_entity_id,omitempty"`
	Title              string          `json:"title,omitempty"`
	Description        string          `json:"description,omitempty"`
	Location           string          `json:"location,omitempty"`
	Clients            []Client        `json:"clients,omitempty"`
	DateStart          string          `json:"date_start,omitempty"`
	DateEnd            string          `json:"date_end"`
	TimeZone           string          `json:"timezone,omitempty"`
	AddClients         bool            `json:"add_clients_from_original_entity"`
	Days               []DayRequest    `json:"days"`
}

// Client is a client of the template event.
type Client struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
}

// DayRequest is one weekday series of a ScheduleRequest.
type DayRequest struct {
	DayOfWeek            string            `json:"day_of_week"`
	EventsMasterID       json.RawMessage   `json:"events_master_id"`
	EventsTime           string            `json:"events_time"`
	EventsDuration       int               `json:"events_duration"`
	TechnicalBreak       int               `json:"event_technical_break_duration,omitempty"`
	EventsCapacity       int               `json:"events_capacity"`
	LabelsIDs            []json.RawMessage `json:"labels_ids,omitempty"`
	ResourceInstancesIDs []json.RawMessage `json:"resource_instances_ids,omitempty"`
}

// ParseScheduleRequest reads a JSON body, refusing unknown fields so a
// typo does not pass silently.
func ParseScheduleRequest(data []byte) (ScheduleRequest, error) {
	var q ScheduleRequest
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&q); err != nil {
		off := dec.InputOffset()
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		if errors.As(err, &syn) {
			off = syn.Offset
		} else if errors.As(err, &typ) {
			off = typ.Offset
		} else if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			if i := bytes.Index(data, []byte(name)); i >= 0 {
				off = int64(i)
			}
		}
		line := 1 + bytes.Count(data[:min(int(off), len(data))], []byte("\n"))
		return q, fmt.Errorf("planner: schedule request: line %d: %w: %v", line, model.ErrInvalid, err)
	}
	return q, nil
}

// idString reads a number or a string ID as text.
func idString(raw json.RawMessage) string {
	s := strings.TrimSpace(string(raw))
	var str string
	if json.Unmarshal(raw, &str) == nil {
		return str
	}
	return strings.Trim(s, `"`)
}

// Schedule builds the model schedule; today is the start date when the
// request has none and zone the time zone when it has none.
func (q ScheduleRequest) Schedule(today model.LocalDate, zone string) (model.Schedule, error) {
	s := model.Schedule{
		Name:       q.Name,
		EntityType: q.OriginalEntityType,
		AddClients: q.AddClients,
		TimeZone:   q.TimeZone,
		Template:   model.ScheduleTemplate{Title: q.Title, Description: q.Description, Location: q.Location},
		Start:      today,
	}
	if s.TimeZone == "" {
		s.TimeZone = zone
	}
	if s.EntityType == "" {
		s.EntityType = "activity"
	}
	if s.Template.Title == "" {
		if id := idString(q.OriginalEntityID); id != "" {
			s.Template.Title = fmt.Sprintf("%s %s", s.EntityType, id)
		} else {
			s.Template.Title = q.Name
		}
	}
	for _, c := range q.Clients {
		s.Template.Clients = append(s.Template.Clients, model.Participant{Name: c.Name, Email: c.Email, Type: model.TypeIndividual, Role: model.RoleRequired, Status: model.InviteAccepted})
	}
	var err error
	if q.DateStart != "" {
		if s.Start, err = model.ParseLocalDate(q.DateStart); err != nil {
			return s, fmt.Errorf("planner: schedule request: date_start: %w", err)
		}
	}
	if s.End, err = model.ParseLocalDate(q.DateEnd); err != nil {
		return s, fmt.Errorf("planner: schedule request: date_end: %w", err)
	}
	for _, d := range q.Days {
		var ser model.WeekdaySeries
		if ser.Weekday, err = model.ParseWeekday(d.DayOfWeek); err != nil {
			return s, fmt.Errorf("planner: schedule request: %w", err)
		}
		if ser.Time, err = model.ParseClock(d.EventsTime); err != nil {
			return s, fmt.Errorf("planner: schedule request: days.%s.events_time: %w", d.DayOfWeek, model.Invalid("events_time", "%v", err))
		}
		ser.Person = idString(d.EventsMasterID)
		ser.Duration = time.Duration(d.EventsDuration) * time.Second
		ser.Break = time.Duration(d.TechnicalBreak) * time.Second
		ser.Capacity = d.EventsCapacity
		for _, l := range d.LabelsIDs {
			ser.Labels = append(ser.Labels, model.Label{Name: idString(l)})
		}
		for _, r := range d.ResourceInstancesIDs {
			ser.Resources = append(ser.Resources, idString(r))
		}
		s.Series = append(s.Series, ser)
	}
	if err := s.Validate(); err != nil {
		return s, fmt.Errorf("planner: schedule request: %w", err)
	}
	return s, nil
}

// Request writes a schedule back as a request body (for `show --json` and
// editing in a file).
func Request(s *model.Schedule) ScheduleRequest {
	q := ScheduleRequest{
		Name: s.Name, OriginalEntityType: s.EntityType, Title: s.Template.Title, Description: s.Template.Description,
		Location: s.Template.Location, DateStart: s.Start.String(), DateEnd: s.End.String(), TimeZone: s.TimeZone,
		AddClients: s.AddClients,
	}
	for _, c := range s.Template.Clients {
		q.Clients = append(q.Clients, Client{Name: c.Name, Email: c.Email})
	}
	for _, ser := range s.Series {
		person, _ := json.Marshal(ser.Person)
		d := DayRequest{DayOfWeek: model.WeekdayName(ser.Weekday), EventsMasterID: person, EventsTime: model.FormatClock(ser.Time),
			EventsDuration: int(ser.Duration / time.Second), TechnicalBreak: int(ser.Break / time.Second), EventsCapacity: ser.Capacity}
		for _, l := range ser.Labels {
			b, _ := json.Marshal(l.Name)
			d.LabelsIDs = append(d.LabelsIDs, b)
		}
		for _, r := range ser.Resources {
			b, _ := json.Marshal(r)
			d.ResourceInstancesIDs = append(d.ResourceInstancesIDs, b)
		}
		q.Days = append(q.Days, d)
	}
	return q
}
