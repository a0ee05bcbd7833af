package model

import (
	"fmt"
	"time"
	_ "time/tzdata" // IANA zones on hosts without a zoneinfo database
)

// LoadZone resolves an IANA time zone name. "" and "UTC" give UTC.
// Windows and custom TZIDs are mapped to IANA names by the codec before
// they reach the model.
func LoadZone(name string) (*time.Location, error) {
	if name == "" || name == "UTC" || name == "Z" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q", name)
	}
	return loc, nil
}
