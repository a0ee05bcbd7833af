package main

import "errors"

// cmdImport runs `rota import`.
func cmdImport(e *env, args []string) error {
	return errors.New("rota import: not built yet")
}
