// Package caldav serves rota's store over CalDAV (RFC 4791) with WebDAV sync
// (RFC 6578), discovery (RFC 6764, RFC 5397), extended MKCOL (RFC 5689) and
// read-only webcal feeds.
//
// The handler is rota's own: PROPFIND and REPORT answers are streamed from
// the store's indexes and stored bytes (calendar data is never re-encoded
// unless a request asks for expansion or partial data), because go-webdav's
// Handler builds every answer in memory, re-encodes every object and gets
// several filter rules wrong. go-webdav's client is what the end-to-end
// tests drive it with.
//
// URL layout (DESIGN.md):
//
//	/.well-known/caldav                      -> /dav/<user>/
//	/dav/<user>/                             principal
//	/dav/<user>/calendars/                   calendar home
//	/dav/<user>/calendars/<cal>/             calendar collection
//	/dav/<user>/calendars/<cal>/<name>.ics   calendar object
//	/feeds/<token>.ics                       webcal feed (no login)
package caldav

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"rota/model"
)

// Store is what the CalDAV server needs of a store. store/sqlite implements
// it; the assertion lives in cmd/rota so that caldav never imports a
// concrete store.
type Store interface {
	Calendars(ctx context.Context, owner string) ([]model.Calendar, error)
	Calendar(ctx context.Context, owner, name string) (model.Calendar, error)
	CalendarByID(ctx context.Context, id int64) (model.Calendar, error)
	CreateCalendar(ctx context.Context, c *model.Calendar) error
	UpdateCalendar(ctx context.Context, c *model.Calendar) error
	DeleteCalendar(ctx context.Context, id int64) error

	PutObject(ctx context.Context, o *model.Object, cond model.Condition) (created bool, err error)
	Object(ctx context.Context, calID int64, name string) (model.Object, error)
	ObjectByUID(ctx context.Context, calID int64, uid string) (model.Object, error)
	ObjectsByName(ctx context.Context, calID int64, names []string) ([]model.Object, error)
	ListObjects(ctx context.Context, calID int64, withData bool) ([]model.Object, error)
	DeleteObject(ctx context.Context, calID int64, name string, cond model.Condition) error
	Instances(ctx context.Context, calIDs []int64, r model.Range, floating *time.Location) ([]model.Instance, error)
	Changes(ctx context.Context, calID int64, since int64) ([]model.Change, int64, error)

	// Availability and resources: free-busy and VAVAILABILITY follow the
	// same rules as free slots (package planner).
	AvailabilityFor(ctx context.Context, person string, calID int64) (model.Availability, error)
	Resources(ctx context.Context) ([]model.Resource, error)

	User(ctx context.Context, name string) (model.User, error)
	FeedByToken(ctx context.Context, token string) (model.Feed, error)
}

// DefaultMaxResourceSize is the largest calendar object (and request body)
// accepted when Config.MaxResourceSize is zero; it is announced as
// CALDAV:max-resource-size.
const DefaultMaxResourceSize = 10 << 20

// Config is what New needs.
type Config struct {
	Store Store
	// Logger receives one line per failed request and per recovered panic;
	// nil discards.
	Logger *slog.Logger
	// MaxResourceSize bounds request bodies; 0 means DefaultMaxResourceSize.
	MaxResourceSize int64
	// Now is the clock (DTSTAMP of free-busy answers, auth cache expiry);
	// nil means time.Now.
	Now func() time.Time
	// CacheBytes bounds the object data the handler keeps in memory
	// (checked against the change log on every request, so never stale);
	// 0 means 128 MiB, a negative value caches none.
	CacheBytes int64
	// AuthCacheTTL is how long a verified login is remembered in memory so
	// that bcrypt does not bound request rates; 0 means one minute, a
	// negative value disables the cache.
	AuthCacheTTL time.Duration
}

// Handler answers CalDAV and feed requests. It does not care how it is
// started: `rota serve` and the TUI's `--serve` both mount it.
type Handler struct {
	store   Store
	log     *slog.Logger
	maxSize int64
	now     func() time.Time
	authTTL time.Duration

	authMu    sync.Mutex
	authCache map[[32]byte]authEntry

	feedMu    sync.Mutex
	feedCache map[string]feedEntry

	mirror *mirror
}

// New returns the CalDAV handler over cfg.Store.
func New(cfg Config) *Handler {
	h := &Handler{
		store:     cfg.Store,
		log:       cfg.Logger,
		maxSize:   cfg.MaxResourceSize,
		now:       cfg.Now,
		authTTL:   cfg.AuthCacheTTL,
		authCache: map[[32]byte]authEntry{},
		feedCache: map[string]feedEntry{},
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.maxSize <= 0 {
		h.maxSize = DefaultMaxResourceSize
	}
	if h.now == nil {
		h.now = time.Now
	}
	switch {
	case cfg.CacheBytes == 0:
		h.mirror = newMirror(128 << 20)
	case cfg.CacheBytes < 0:
		h.mirror = newMirror(0)
	default:
		h.mirror = newMirror(cfg.CacheBytes)
	}
	if h.authTTL == 0 {
		h.authTTL = time.Minute
	}
	return h
}

var _ http.Handler = (*Handler)(nil)
