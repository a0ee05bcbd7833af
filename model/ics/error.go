package ics

import (
	"fmt"
	"strconv"

	"rota/model"
)

// Error locates a decoding problem: Line is 1-based (0 when unknown) and
// Prop names the property at fault ("" when none). It matches
// model.ErrInvalid with errors.Is.
type Error struct {
	Line int
	Prop string
	Err  error
}

func (e *Error) Error() string {
	s := ""
	if e.Line > 0 {
		s = "line " + strconv.Itoa(e.Line) + ": "
	}
	if e.Prop != "" {
		s += e.Prop + ": "
	}
	return s + e.Err.Error()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is makes every Error match model.ErrInvalid.
func (e *Error) Is(target error) bool { return target == model.ErrInvalid }

func errorf(line int, prop, format string, args ...any) *Error {
	return &Error{Line: line, Prop: prop, Err: fmt.Errorf(format, args...)}
}
