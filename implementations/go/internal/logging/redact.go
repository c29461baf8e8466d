package logging

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/stigmer/handshake-conformance/implementations/go/internal/names"
	"github.com/stigmer/handshake-conformance/implementations/go/internal/token"
)

const (
	maskCapacity = 4096 // tokens remembered; the oldest are forgotten first
	prefixLen    = 8    // renderings shorter than this are not scrubbed
)

// rendering is one textual form of a masked token and what replaces it.
type rendering struct {
	text, replacement string
}

// registry remembers tokens so that any rendering of them is scrubbed from
// later log records. Lookup is by an 8-character prefix, so scrubbing a line
// costs one map lookup per character, whatever the number of tokens.
type registry struct {
	mu     sync.RWMutex
	order  []string // FIFO of masked tokens (as strings)
	known  map[string]bool
	byHead map[string][]rendering // longest first
}

var masked = &registry{known: map[string]bool{}, byHead: map[string][]rendering{}}

// Mask remembers a token: every later log record has its renderings replaced
// by the preview. Tokens of at most 15 bytes are not masked, as in the
// reference: their preview is their whole base64, which the preview rule
// shows, and scrubbing it would also mangle the previews of longer tokens
// that start with the same bytes.
func Mask(tok []byte) {
	if len(tok) == 0 || len(token.Preview(tok)) <= names.TokenPreviewChars {
		return
	}
	masked.add(tok)
}

// Redact returns text with every rendering of every masked token replaced.
func Redact(text string) string {
	return masked.redact(text)
}

// RedactedBytes is how a bytes value appears in a log record: its token
// fields (preview, length, fingerprint), never its content.
func RedactedBytes(b []byte) string {
	return fmt.Sprintf("<bytes token_preview=%s token_length=%d token_fingerprint=%s>",
		token.Preview(b), len(b), token.Fingerprint(b))
}

func (r *registry) add(tok []byte) {
	key := string(tok)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.known[key] {
		return
	}
	r.known[key] = true
	r.order = append(r.order, key)
	replacement := RedactedBytes(tok)
	for _, text := range renderings(tok) {
		head := text[:prefixLen]
		list := append(r.byHead[head], rendering{text, replacement})
		sort.SliceStable(list, func(i, j int) bool { return len(list[i].text) > len(list[j].text) })
		r.byHead[head] = list
	}
	if len(r.order) > maskCapacity {
		r.forget(r.order[0])
		r.order = r.order[1:]
	}
}

func (r *registry) forget(key string) {
	delete(r.known, key)
	replacement := RedactedBytes([]byte(key))
	for _, text := range renderings([]byte(key)) {
		head := text[:prefixLen]
		list := r.byHead[head][:0]
		for _, rd := range r.byHead[head] {
			if rd.text != text || rd.replacement != replacement {
				list = append(list, rd)
			}
		}
		if len(list) == 0 {
			delete(r.byHead, head)
		} else {
			r.byHead[head] = list
		}
	}
}

func (r *registry) redact(text string) string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if len(r.byHead) == 0 {
		return text
	}
	var b strings.Builder
	last := 0
	for i := 0; i+prefixLen <= len(text); {
		matched := false
		for _, rd := range r.byHead[text[i:i+prefixLen]] {
			if strings.HasPrefix(text[i:], rd.text) {
				b.WriteString(text[last:i])
				b.WriteString(rd.replacement)
				i += len(rd.text)
				last, matched = i, true
				break
			}
		}
		if !matched {
			i++
		}
	}
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

// renderings are the forms in which Go code may print a token: base64
// (standard and URL-safe, padded or not), hex, fmt's %v and %#v of a
// []byte, Go and JSON string quoting, and protobuf text format.
func renderings(tok []byte) []string {
	std := base64.StdEncoding.EncodeToString(tok)
	url := base64.URLEncoding.EncodeToString(tok)
	h := hex.EncodeToString(tok)
	forms := []string{
		std, strings.TrimRight(std, "="), url, strings.TrimRight(url, "="),
		h, strings.ToUpper(h),
		strings.Trim(fmt.Sprint(tok), "[]"),
		strings.TrimSuffix(strings.TrimPrefix(fmt.Sprintf("%#v", tok), "[]byte{"), "}"),
		unquote(strconv.Quote(string(tok))),
		unquote(strconv.QuoteToASCII(string(tok))),
		unquote(protoText(tok)),
	}
	if j, err := json.Marshal(string(tok)); err == nil {
		forms = append(forms, unquote(string(j)))
	}
	seen := map[string]bool{}
	out := forms[:0]
	for _, f := range forms {
		if len(f) >= prefixLen && !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}

// protoText is the token as protobuf text format prints a bytes field.
func protoText(tok []byte) string {
	text, err := prototext.Marshal(wrapperspb.Bytes(tok))
	if err != nil {
		return ""
	}
	s := string(text)
	if i, j := strings.IndexByte(s, '"'), strings.LastIndexByte(s, '"'); i >= 0 && j > i {
		return s[i : j+1]
	}
	return ""
}

func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return s[1 : len(s)-1]
	}
	return s
}
