package main

// Placeholder: the TUI engineer replaces this file.

import "errors"

// cmdTUI runs `rota tui`.
func cmdTUI(e *env, args []string) error {
	return errors.New("rota tui: not built yet")
}
