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
package store

import "errors"

// ErrBadSyncToken is returned for a sync position the store does not know.
var ErrBadSyncToken = errors.New("store: unknown sync token")
