package cisco

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/internal/jsonscan"
)

// The helpers below check the shape of a response against the document and
// report a mismatch as an *auditclient.PathError, which the client turns
// into a permanent *auditclient.DecodeError naming the JSON path: a wrong
// body is an error, never "no records".

// UnmarshalJSON decodes a page of GET /v1/audit_logs and checks its
// envelope against the document: an object with metadata.links (self, and
// next on every page but the last), metadata.results (total, a count, is
// required; current_item_count, index and items_per_page are counts when
// present) and a data array of records. Anything else — {}, null, an
// array, an object where data's array belongs, a string where a count
// belongs, a record without created_at — is an *auditclient.PathError at
// the path of the problem ("$", "$.metadata.links", "$.data[3].created_at").
func (p *AuditLogPage) UnmarshalJSON(data []byte) error {
	*p = AuditLogPage{}
	var seenMeta, seenData bool
	err := members(data, "$", func(key string, val []byte) error {
		switch key {
		case "version":
			s, err := optString(val, "$.version")
			p.Version = s
			return err
		case "metadata":
			seenMeta = true
			return p.Metadata.decode(val, "$.metadata")
		case "data":
			seenData = true
			p.Data = []AuditLog{}
			return elements(val, "$.data", func(i int, el []byte) error {
				path := "$.data[" + strconv.Itoa(i) + "]"
				if t := bytes.TrimSpace(el); len(t) == 0 || t[0] != '{' {
					return pathError(path, "want a record (an object), got %s", jsonKind(t))
				}
				var a AuditLog
				if err := a.UnmarshalJSON(el); err != nil {
					return rebase(err, path)
				}
				p.Data = append(p.Data, a)
				return nil
			})
		}
		return nil
	})
	switch {
	case err != nil:
		return err
	case !seenMeta:
		return pathError("$.metadata", "missing: the page has no metadata (links and results)")
	case !seenData:
		return pathError("$.data", "missing: the page has no data array")
	}
	return nil
}

// decode reads metadata at path.
func (m *Metadata) decode(val []byte, path string) error {
	var seenLinks, seenResults bool
	err := members(val, path, func(key string, val []byte) error {
		switch key {
		case "links":
			seenLinks = true
			return members(val, path+".links", func(key string, val []byte) error {
				var err error
				switch key {
				case "self":
					m.Links.Self, err = optString(val, path+".links.self")
				case "next":
					m.Links.Next, err = optString(val, path+".links.next")
				}
				return err
			})
		case "results":
			seenResults = true
			seenTotal := false
			err := members(val, path+".results", func(key string, val []byte) error {
				var dst *int
				switch key {
				case "total":
					dst, seenTotal = &m.Results.Total, true
				case "current_item_count":
					dst = &m.Results.CurrentItemCount
				case "index":
					dst = &m.Results.Index
				case "items_per_page":
					dst = &m.Results.ItemsPerPage
				default:
					return nil
				}
				n, err := count(val, path+".results."+key)
				*dst = n
				return err
			})
			if err == nil && !seenTotal {
				err = pathError(path+".results.total", "missing: the page does not say how many records the query has")
			}
			return err
		}
		return nil
	})
	switch {
	case err != nil:
		return err
	case !seenLinks:
		return pathError(path+".links", "missing: the page has no links (self, next)")
	case !seenResults:
		return pathError(path+".results", "missing: the page has no results (total)")
	}
	return nil
}

// jsonKind names the JSON type of a raw value, for error messages.
func jsonKind(val []byte) string {
	val = bytes.TrimSpace(val)
	if len(val) == 0 {
		return "nothing"
	}
	switch val[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}

// pathError returns a *auditclient.PathError at path.
func pathError(path, format string, args ...any) error {
	return &auditclient.PathError{Path: path, Err: fmt.Errorf(format, args...)}
}

// rebase puts an error of a value decoded on its own (whose paths start at
// "$") under path; any other error is put at path.
func rebase(err error, path string) error {
	var pe *auditclient.PathError
	if errors.As(err, &pe) {
		return &auditclient.PathError{Path: path + strings.TrimPrefix(pe.Path, "$"), Err: pe.Err}
	}
	return &auditclient.PathError{Path: path, Err: err}
}

// members calls fn for each member of the JSON object val, which lies at
// path; anything but an object is a *auditclient.PathError there.
func members(val []byte, path string, fn func(key string, val []byte) error) error {
	if t := bytes.TrimSpace(val); len(t) == 0 || t[0] != '{' {
		return pathError(path, "want an object, got %s", jsonKind(val))
	}
	err := jsonscan.Members(val, fn)
	if errors.Is(err, jsonscan.ErrSyntax) {
		return pathError(path, "not a JSON object: %s", jsonscan.Clip(val))
	}
	return err
}

// elements calls fn with the index and value of each element of the JSON
// array val, which lies at path; anything but an array (null included) is
// a *auditclient.PathError there.
func elements(val []byte, path string, fn func(i int, val []byte) error) error {
	if t := bytes.TrimSpace(val); len(t) == 0 || t[0] != '[' {
		return pathError(path, "want an array, got %s", jsonKind(val))
	}
	i := 0
	err := jsonscan.Elements(val, func(el []byte) error {
		err := fn(i, el)
		i++
		return err
	})
	if errors.Is(err, jsonscan.ErrSyntax) {
		return pathError(path, "not a JSON array: %s", jsonscan.Clip(val))
	}
	return err
}

// count reads a non-negative integer at path.
func count(val []byte, path string) (int, error) {
	t := bytes.TrimSpace(val)
	n, err := strconv.Atoi(string(t))
	if err != nil || n < 0 {
		if len(t) > 0 && (t[0] == '-' || (t[0] >= '0' && t[0] <= '9')) {
			return 0, pathError(path, "want a non-negative integer, got %s", jsonscan.Clip(t))
		}
		return 0, pathError(path, "want a non-negative integer, got %s", jsonKind(t))
	}
	return n, nil
}

// optString reads a string, or null (""), at path.
func optString(val []byte, path string) (string, error) {
	if jsonscan.IsNull(val) {
		return "", nil
	}
	s, err := jsonscan.Unquote(val)
	if err != nil {
		return "", pathError(path, "want a string, got %s", jsonKind(val))
	}
	return s, nil
}
