package main

// Placeholder: the schedules engineer replaces this file.

import "errors"

// cmdSchedule runs `rota schedule`.
func cmdSchedule(e *env, args []string) error {
	return errors.New("rota schedule: not built yet")
}

// cmdSlots runs `rota slots`.
func cmdSlots(e *env, args []string) error {
	return errors.New("rota slots: not built yet")
}
