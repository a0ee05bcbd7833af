package main

import "errors"

// cmdExport runs `rota export`.
func cmdExport(e *env, args []string) error {
	return errors.New("rota export: not built yet")
}
