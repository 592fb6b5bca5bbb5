package kpi

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Error is a refusal the user should read: ID is the message id in locales/
// (e.g. "ErrUnknownIndicator"), Data the values its template uses. One place
// (handlers' reply) turns it into words in the user's language; nothing in
// this package writes user text.
type Error struct {
	ID   string
	Data map[string]string
}

func (e *Error) Error() string {
	keys := make([]string, 0, len(e.Data))
	for k := range e.Data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("kpi: " + e.ID)
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%q", k, e.Data[k])
	}
	return b.String()
}

// Is makes errors.Is match on the message id alone.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.ID == e.ID && t.Data == nil
}

// Fail returns an *Error with id and key/value pairs of data.
func Fail(id string, kv ...string) *Error {
	e := &Error{ID: id, Data: map[string]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		e.Data[kv[i]] = kv[i+1]
	}
	return e
}

// Int returns Data[key] as the whole number it was written as ("year",
// "max"); ok is false when the key is absent or holds no such number.
func (e *Error) Int(key string) (n int, ok bool) {
	n, err := strconv.Atoi(e.Data[key])
	return n, err == nil
}

// List returns Data[key] as the ids it lists, written comma-separated
// (ListData) in "units", "suggest", "indicators"; nil when the key is
// absent or empty.
func (e *Error) List(key string) []string {
	var out []string
	for _, s := range strings.Split(e.Data[key], ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// ListData is the form List reads: ids joined with commas.
func ListData(ids []string) string { return strings.Join(ids, ",") }
