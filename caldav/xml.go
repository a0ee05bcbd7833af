package caldav

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// XML namespaces.
const (
	nsDAV    = "DAV:"
	nsCalDAV = "urn:ietf:params:xml:ns:caldav"
	nsCS     = "http://calendarserver.org/ns/"
	nsApple  = "http://apple.com/ns/ical/"
)

// prefixes used in everything rota writes.
var prefixes = map[string]string{nsDAV: "D", nsCalDAV: "C", nsCS: "CS", nsApple: "A"}

const msOpen = `<?xml version="1.0" encoding="utf-8"?>` + "\n" +
	`<D:multistatus xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:CS="http://calendarserver.org/ns/" xmlns:A="http://apple.com/ns/ical/">`

// node is a parsed XML element: request bodies are small, so a generic
// tree is simpler than one struct per method. Inner keeps the raw content
// for dead properties.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Nodes   []node     `xml:",any"`
	Text    string     `xml:",chardata"`
	Inner   string     `xml:",innerxml"`
}

func (n *node) is(space, local string) bool {
	return n.XMLName.Space == space && n.XMLName.Local == local
}

// child returns the first child element named space/local.
func (n *node) child(space, local string) *node {
	for i := range n.Nodes {
		if n.Nodes[i].is(space, local) {
			return &n.Nodes[i]
		}
	}
	return nil
}

func (n *node) attr(local string) (string, bool) {
	for _, a := range n.Attrs {
		if a.Name.Local == local && (a.Name.Space == "" || a.Name.Space == n.XMLName.Space) {
			return a.Value, true
		}
	}
	return "", false
}

// maxXMLDepth bounds element nesting in request bodies.
const maxXMLDepth = 64

// errBadXML is a request body that is not acceptable XML.
var errBadXML = errors.New("malformed XML body")

// readBody reads a request body within the size limit. A body over the
// limit is errTooLarge.
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return nil, errTooLarge
		}
		return nil, err
	}
	return b, nil
}

var errTooLarge = errors.New("request body too large")

// parseXML parses a request body. DOCTYPE declarations are refused, so no
// entity can be declared (encoding/xml never expands external entities, and
// without declarations no internal ones exist: no entity bomb).
// An empty body gives a nil node.
// xmlBody reads and parses the request's XML body (nil when empty). On
// failure it has answered 400 and ok is false.
func (q *request) xmlBody() (root *node, ok bool) {
	body, err := readBody(q.r)
	if err == nil {
		root, err = parseXML(body)
	}
	if err != nil {
		q.badRequest(err)
		return nil, false
	}
	return root, true
}

func parseXML(body []byte) (*node, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, nil
	}
	if bytes.Contains(bytes.ToUpper(body), []byte("<!DOCTYPE")) || bytes.Contains(body, []byte("<!ENTITY")) {
		return nil, fmt.Errorf("%w: DOCTYPE is not allowed", errBadXML)
	}
	// Bound the nesting before building the tree: no DAV body is deep.
	depth := 0
	scan := xml.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := scan.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errBadXML, err)
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth++; depth > maxXMLDepth {
				return nil, fmt.Errorf("%w: nested deeper than %d elements", errBadXML, maxXMLDepth)
			}
		case xml.EndElement:
			depth--
		}
	}
	var n node
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = true
	if err := d.Decode(&n); err != nil {
		return nil, fmt.Errorf("%w: %v", errBadXML, err)
	}
	return &n, nil
}

// badRequest answers a body that could not be used.
func (q *request) badRequest(err error) {
	if errors.Is(err, errTooLarge) {
		q.h.log.Warn("caldav: request body too large", "method", q.r.Method, "path", q.r.URL.Path, "user", q.user, "limit", q.h.maxSize)
		writeError(q.w, http.StatusRequestEntityTooLarge, elemMaxSize, "the request body is larger than "+strconv.FormatInt(q.h.maxSize, 10)+" bytes")
		return
	}
	q.h.log.Warn("caldav: bad request", "method", q.r.Method, "path", q.r.URL.Path, "user", q.user, "err", err)
	http.Error(q.w, err.Error(), http.StatusBadRequest)
}

// Precondition elements for error bodies (RFC 4791 section 1.3, RFC 4918
// section 16).
const (
	elemValidData      = "C:valid-calendar-data"
	elemValidObject    = "C:valid-calendar-object-resource"
	elemSupportedComp  = "C:supported-calendar-component"
	elemSupportedData  = "C:supported-calendar-data"
	elemMaxSize        = "C:max-resource-size"
	elemValidSyncToken = "D:valid-sync-token"
	elemSupportedRep   = "D:supported-report"
	elemCollation      = "C:supported-collation"
	elemValidFilter    = "C:valid-filter"
	elemMustBeNull     = "D:resource-must-be-null"
	elemNeedPrivileges = "D:need-privileges"
)

// writeError writes a DAV:error body naming a precondition, with a human
// message in the body's text.
func writeError(w http.ResponseWriter, code int, elem, msg string) {
	writeErrorXML(w, code, "<"+elem+"/>", msg)
}

func writeErrorXML(w http.ResponseWriter, code int, inner, msg string) {
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.WriteHeader(code)
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n" + `<D:error xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">`)
	b.WriteString(inner)
	if msg != "" {
		escape(&b, msg)
	}
	b.WriteString("</D:error>\n")
	w.Write(b.Bytes())
}

// byteWriter is what escape writes to.
type byteWriter interface {
	io.Writer
	WriteByte(byte) error
	WriteString(string) (int, error)
}

// escape writes s as XML character data. CR is written as &#13; so that
// CRLF line ends survive the parser at the other end; characters XML 1.0
// cannot carry become U+FFFD.
func escape(w byteWriter, s string) {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x80 {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 || r == 0xFFFE || r == 0xFFFF {
				w.WriteString(s[last:i])
				w.WriteString("\uFFFD")
				i += size
				last = i
				continue
			}
			i += size
			continue
		}
		var rep string
		switch {
		case c == '&':
			rep = "&amp;"
		case c == '<':
			rep = "&lt;"
		case c == '>':
			rep = "&gt;"
		case c == '\r':
			rep = "&#13;"
		case c < 0x20 && c != '\n' && c != '\t':
			rep = "\uFFFD"
		default:
			i++
			continue
		}
		w.WriteString(s[last:i])
		w.WriteString(rep)
		i++
		last = i
	}
	w.WriteString(s[last:])
}

// escapeBytes is escape over stored bytes, without copying them.
func escapeBytes(w byteWriter, b []byte) {
	if len(b) == 0 {
		return
	}
	escape(w, unsafe.String(unsafe.SliceData(b), len(b)))
}

func escapeString(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '&' || c == '<' || c == '>' || c == '\r' || c < 0x20 && c != '\n' && c != '\t' || c >= 0x80 {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b bytes.Buffer
	escape(&b, s)
	return b.String()
}

// escapeAttr escapes an attribute value (double-quoted).
func escapeAttr(s string) string {
	return strings.ReplaceAll(escapeString(s), `"`, "&quot;")
}

// qname writes the start of an element for a property name, with a known
// prefix or a default namespace declaration.
func openTag(w *bufio.Writer, n xml.Name, attrs string, empty bool) {
	w.WriteByte('<')
	if p, ok := prefixes[n.Space]; ok {
		w.WriteString(p)
		w.WriteByte(':')
		w.WriteString(n.Local)
	} else {
		w.WriteString(n.Local)
		w.WriteString(` xmlns="`)
		w.WriteString(escapeAttr(n.Space))
		w.WriteByte('"')
	}
	w.WriteString(attrs)
	if empty {
		w.WriteString("/>")
	} else {
		w.WriteByte('>')
	}
}

func closeTag(w *bufio.Writer, n xml.Name) {
	w.WriteString("</")
	if p, ok := prefixes[n.Space]; ok {
		w.WriteString(p)
		w.WriteByte(':')
	}
	w.WriteString(n.Local)
	w.WriteByte('>')
}

// propVal is one found property: raw XML content (already escaped) and
// attributes for the element.
type propVal struct {
	name  xml.Name
	attrs string
	value string
	data  []byte // calendar-data written escaped, to skip one copy
	// escaped is calendar-data already escaped (from the mirror).
	escaped []byte
}

// msWriter streams a 207 Multi-Status body.
type msWriter struct {
	w       *bufio.Writer
	minimal bool // Prefer: return=minimal or Brief: t: leave out 404 propstats
}

func newMultistatus(w http.ResponseWriter, r *http.Request) *msWriter {
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	minimal := false
	for _, v := range r.Header.Values("Prefer") {
		if bytes.Contains([]byte(v), []byte("return=minimal")) {
			minimal = true
		}
	}
	if b := r.Header.Get("Brief"); b == "t" || b == "T" {
		minimal = true
	}
	if minimal {
		w.Header().Set("Preference-Applied", "return=minimal")
	}
	w.Header().Add("Vary", "Brief, Prefer")
	w.WriteHeader(http.StatusMultiStatus)
	m := &msWriter{w: bufio.NewWriterSize(w, 64<<10), minimal: minimal}
	m.w.WriteString(msOpen)
	return m
}

func statusLine(code int) string {
	return "HTTP/1.1 " + strconv.Itoa(code) + " " + http.StatusText(code)
}

// response writes one response with propstats: found at 200, missing at 404
// (unless minimal), and others grouped by status.
func (m *msWriter) response(href string, found []propVal, missing []xml.Name, other map[int][]xml.Name) {
	w := m.w
	w.WriteString("<D:response><D:href>")
	escape(w, href)
	w.WriteString("</D:href>")
	if len(found) > 0 || (len(missing) == 0 || m.minimal) && len(other) == 0 {
		w.WriteString("<D:propstat><D:prop>")
		for i := range found {
			p := &found[i]
			if p.value == "" && p.data == nil && p.escaped == nil {
				openTag(w, p.name, p.attrs, true)
				continue
			}
			openTag(w, p.name, p.attrs, false)
			if p.escaped != nil {
				w.Write(p.escaped)
			} else if p.data != nil {
				escapeBytes(w, p.data)
			} else {
				w.WriteString(p.value)
			}
			closeTag(w, p.name)
		}
		w.WriteString("</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>")
	}
	if len(missing) > 0 && !m.minimal {
		m.propstat(missing, http.StatusNotFound)
	}
	for code, names := range other {
		m.propstat(names, code)
	}
	w.WriteString("</D:response>\n")
}

func (m *msWriter) propstat(names []xml.Name, code int) {
	w := m.w
	w.WriteString("<D:propstat><D:prop>")
	for _, n := range names {
		openTag(w, n, "", true)
	}
	w.WriteString("</D:prop><D:status>")
	w.WriteString(statusLine(code))
	w.WriteString("</D:status></D:propstat>")
}

// status writes a response with only a status (a tombstone, a missing
// multiget href).
func (m *msWriter) status(href string, code int) {
	m.w.WriteString("<D:response><D:href>")
	escape(m.w, href)
	m.w.WriteString("</D:href><D:status>")
	m.w.WriteString(statusLine(code))
	m.w.WriteString("</D:status></D:response>\n")
}

// close ends the body, with a sync-token when one is given.
func (m *msWriter) close(syncToken string) error {
	if syncToken != "" {
		m.w.WriteString("<D:sync-token>")
		escape(m.w, syncToken)
		m.w.WriteString("</D:sync-token>")
	}
	m.w.WriteString("</D:multistatus>\n")
	return m.w.Flush()
}
