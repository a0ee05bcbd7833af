// Package store states the contract every rota store keeps; store/sqlite is
// the embedded implementation and store/storetest the conformance suite
// that checks it. Doors (caldav, tui, cmd/rota) declare the few methods
// they call as their own interfaces.
//
// The contract:
//   - A calendar object (model.Object, one UID) is the unit of storage. Its
//     Data is kept byte for byte; Summary and Timing are what the codec
//     derived from it and are indexed, never re-derived by the store.
//   - Every write happens in one transaction that also bumps the object's
//     ETag, the calendar's SyncToken (CTag) and appends to the change log.
//     A write whose model.Condition fails returns model.ErrConflict and
//     changes nothing. A UID already used by another object in the same
//     calendar is model.ErrConflict too.
//   - Range queries return every instance that overlaps [From, To),
//     recurring or not, in time that grows with the answer, not the store.
//   - Changes since a sync position list each object written or deleted
//     (deletes as tombstones); an unknown or pruned position is
//     ErrBadSyncToken.
//   - Several processes may use one store at once; Head lets a door notice
//     writes made by another process.
//
// Details every implementation keeps (store/storetest checks them):
//   - Errors wrap model.ErrNotFound, model.ErrConflict, model.ErrInvalid
//     (a Calendar failing Validate; an object without name, UID, component
//     or data, or of a component its calendar does not take) and
//     ErrBadSyncToken, for errors.Is.
//   - ETags are plain ASCII without quotes and change on every write, even
//     of the same bytes.
//   - A calendar's SyncToken is the change-log position of its last write
//     (objects or its own properties). Changes(cal, 0) lists every stored
//     object as a put; Changes(cal, p) the latest change of each name
//     after p (a put then delete is one delete), by position. Positions
//     later than Head, or before the calendar existed, are ErrBadSyncToken.
//   - Instances returns times in the zone asked for (floating and all-day
//     values placed in it, the others converted), sorted by start; an
//     object without a start (an undated task) has no instance.
//   - PutObjects upserts by UID (an update keeps the stored name) and names
//     new objects "<uid>.ics" when they have no name. A refusal because of
//     one object is an *ObjectError naming it.
package store

import (
	"errors"
	"fmt"
)

// ErrBadSyncToken is returned for a sync position the store does not know.
var ErrBadSyncToken = errors.New("store: unknown sync token")

// ObjectError is a write of many objects (PutObjects, an import) refused
// because of one of them: Index is its position among the objects given,
// so that the caller can say where it came from (a file's line).
type ObjectError struct {
	Index int
	UID   string
	Err   error
}

func (e *ObjectError) Error() string { return fmt.Sprintf("object %q: %v", e.UID, e.Err) }
func (e *ObjectError) Unwrap() error { return e.Err }
