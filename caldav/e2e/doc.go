// Package e2e holds the CalDAV server's end-to-end tests: the handler over
// a real temporary SQLite store, on a real loopback server, driven by raw
// requests (as Apple Calendar, DAVx5 and Thunderbird send them) and by
// go-webdav's client. It lives apart from package caldav because caldav
// must not import a concrete store, not even in tests.
package e2e
