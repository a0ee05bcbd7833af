package model

import "time"

// User is a login for the CalDAV server (`rota user`). A login may be linked
// to a person of the model (team member, agent, associate) so that person's
// schedules, appointments and timesheet show up as the login's calendars.
type User struct {
	Name         string // login name; also the CalDAV principal path segment
	PasswordHash []byte // bcrypt (golang.org/x/crypto/bcrypt); never the password
	Person       string // linked team member; "" when none
	Created      time.Time
}

// Validate checks the fields a store relies on.
func (u *User) Validate() error {
	if u.Name == "" {
		return Invalid("name", "required")
	}
	for _, r := range u.Name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' || r == '@') {
			return Invalid("name", "%q has %q; use letters, digits, '.', '_', '-' or '@'", u.Name, r)
		}
	}
	if u.Name == "." || u.Name == ".." {
		return Invalid("name", "%q is reserved", u.Name)
	}
	if len(u.PasswordHash) == 0 {
		return Invalid("password", "required")
	}
	return nil
}

// Feed is a read-only webcal subscription to one calendar, served without a
// login at /feeds/<Token>.ics until it is revoked.
type Feed struct {
	Token      string // unguessable, URL-safe; the feed's only credential
	Owner      string // login that created it
	CalendarID int64
	Label      string // what the owner calls it ("phone", "family")
	Created    time.Time
}

// Validate checks the fields a store relies on.
func (f *Feed) Validate() error {
	if len(f.Token) < 16 {
		return Invalid("token", "at least 16 characters")
	}
	for _, r := range f.Token {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return Invalid("token", "has %q; use letters, digits, '_' or '-'", r)
		}
	}
	if f.CalendarID == 0 {
		return Invalid("calendar", "required")
	}
	return nil
}
