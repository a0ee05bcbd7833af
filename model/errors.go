package model

import (
	"errors"
	"fmt"
)

// Sentinel errors every door can test with errors.Is.
var (
	// ErrNotFound: the thing asked for does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the write lost a race (stale ETag), or would clash with
	// what is stored (an existing UID, a name already taken).
	ErrConflict = errors.New("conflict")
	// ErrInvalid: the input breaks a rule; the wrapped error names the field.
	ErrInvalid = errors.New("invalid")
	// ErrReadOnly: the thing exists but may not be changed (an approved
	// timesheet day, a feed).
	ErrReadOnly = errors.New("read-only")
)

// FieldError is a validation failure that names the field and the rule it
// breaks, as in "end: before start".
type FieldError struct {
	Field string
	Rule  string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Rule }

// Is makes every FieldError match ErrInvalid.
func (e *FieldError) Is(target error) bool { return target == ErrInvalid }

// Invalid returns a FieldError for field with a formatted rule.
func Invalid(field, format string, args ...any) error {
	return &FieldError{Field: field, Rule: fmt.Sprintf(format, args...)}
}
