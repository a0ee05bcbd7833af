package model

import (
	"strings"
	"time"
)

// Person is a team member: an Altegio master, a HaloPSA agent, a
// LeadConnector user. Schedules, availability and bookings name people by
// Name, a short handle such as "john".
type Person struct {
	Name           string // handle: letters, digits, '.', '_', '-', '@'
	DisplayName    string
	Email          string
	Specialization string // Altegio specialization / position title
	Created        time.Time
}

// Validate checks the person's handle.
func (p *Person) Validate() error {
	if err := validHandle("name", p.Name); err != nil {
		return err
	}
	if p.Email != "" && !strings.Contains(p.Email, "@") {
		return Invalid("email", "%q has no '@'", p.Email)
	}
	return nil
}

// ResourceKind tells rooms from equipment (LeadConnector resource types).
type ResourceKind string

// Resource kinds.
const (
	ResourceRoom      ResourceKind = "room"
	ResourceEquipment ResourceKind = "equipment"
)

// Resource is a room or a piece of equipment that events book
// (LeadConnector calendar resources, Altegio resource instances). A room
// holds one event at a time and at most Capacity people; equipment lends
// Quantity units less those OutOfService.
type Resource struct {
	Name         string // handle used in RESOURCES and ATTENDEE;CUTYPE=ROOM|RESOURCE
	Kind         ResourceKind
	Description  string
	Capacity     int // rooms: most people in the room; 0 = unlimited
	Quantity     int // equipment: units owned
	OutOfService int // equipment: units that cannot be lent
	Active       bool
	Created      time.Time
}

// Validate checks the resource's own rules; errors name the field.
func (r *Resource) Validate() error {
	if err := validHandle("name", r.Name); err != nil {
		return err
	}
	switch r.Kind {
	case ResourceRoom:
		if r.Capacity < 0 {
			return Invalid("capacity", "negative")
		}
	case ResourceEquipment:
		if r.Quantity < 1 {
			return Invalid("quantity", "equipment needs at least one unit")
		}
		if r.OutOfService < 0 || r.OutOfService > r.Quantity {
			return Invalid("out of service", "%d is outside 0..%d (the quantity)", r.OutOfService, r.Quantity)
		}
	default:
		return Invalid("kind", "%q is not room or equipment", r.Kind)
	}
	return nil
}

// Units is how many events may use the resource at the same time: one for
// a room, the units in service for equipment. An inactive resource has none.
func (r *Resource) Units() int {
	if !r.Active {
		return 0
	}
	if r.Kind == ResourceEquipment {
		return r.Quantity - r.OutOfService
	}
	return 1
}

func validHandle(field, s string) error {
	if s == "" {
		return Invalid(field, "required")
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' || c == '@') {
			return Invalid(field, "%q has %q; use letters, digits, '.', '_', '-' or '@'", s, c)
		}
	}
	return nil
}
