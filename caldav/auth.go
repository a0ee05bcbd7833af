package caldav

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"net/http"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// authEntry is a remembered successful login.
type authEntry struct {
	user    string
	expires time.Time
}

// dummyHash is compared against when the user does not exist, so that an
// unknown user and a wrong password take the same time and look alike.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("rota-no-such-user"), bcrypt.DefaultCost)
	return h
})

// HashPassword returns the bcrypt hash stored for a login.
func HashPassword(password string) ([]byte, error) {
	return bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
}

// authenticate checks Basic credentials against the store. The login is
// looked up on every request (one indexed read), and a successful bcrypt
// verification is remembered for a short while keyed by a hash of the
// name, the password and the stored hash (never the password itself): so
// bcrypt's deliberate slowness does not bound PUT throughput, and
// `rota user passwd` or `rota user del` takes effect at once, even from
// another process, since a changed or missing hash never finds the old
// entry. Failures are never cached. It returns the login and the team
// member it is linked to.
func (h *Handler) authenticate(r *http.Request) (user, person string, ok bool) {
	name, pass, ok := r.BasicAuth()
	if !ok || name == "" {
		return "", "", false
	}
	u, err := h.store.User(r.Context(), name)
	hash := u.PasswordHash
	if err != nil || len(hash) == 0 {
		bcrypt.CompareHashAndPassword(dummyHash(), []byte(pass))
		if err != nil {
			h.log.Debug("caldav: login failed", "user", name, "err", err)
		}
		return "", "", false
	}
	hk := sha256.New()
	for _, part := range [][]byte{[]byte(name), []byte(pass), hash} {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(part)))
		hk.Write(n[:])
		hk.Write(part)
	}
	var key [32]byte
	hk.Sum(key[:0])
	now := h.now()
	if h.authTTL > 0 {
		h.authMu.Lock()
		e, hit := h.authCache[key]
		h.authMu.Unlock()
		if hit && now.Before(e.expires) && subtle.ConstantTimeCompare([]byte(e.user), []byte(name)) == 1 {
			return name, u.Person, true
		}
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(pass)) != nil {
		h.log.Info("caldav: login failed", "user", name)
		return "", "", false
	}
	if h.authTTL > 0 {
		h.authMu.Lock()
		if len(h.authCache) > 10000 {
			for k, e := range h.authCache {
				if !now.Before(e.expires) {
					delete(h.authCache, k)
				}
			}
			if len(h.authCache) > 10000 {
				clear(h.authCache)
			}
		}
		h.authCache[key] = authEntry{user: name, expires: now.Add(h.authTTL)}
		h.authMu.Unlock()
	}
	return name, u.Person, true
}
