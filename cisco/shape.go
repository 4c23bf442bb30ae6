package cisco

import (
	"bytes"
	"strconv"

	"github.com/auditkit/auditkit/internal/jsonshape"
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
func (p *Page) UnmarshalJSON(data []byte) error {
	*p = Page{}
	var seenMeta, seenData bool
	err := jsonshape.Members(data, "$", func(key string, val []byte) error {
		switch key {
		case "version":
			s, err := jsonshape.OptString(val, "$.version")
			p.Version = s
			return err
		case "metadata":
			seenMeta = true
			return p.Metadata.decode(val, "$.metadata")
		case "data":
			seenData = true
			p.Data = []AuditLog{}
			return jsonshape.Elements(val, "$.data", func(i int, el []byte) error {
				path := "$.data[" + strconv.Itoa(i) + "]"
				if t := bytes.TrimSpace(el); len(t) == 0 || t[0] != '{' {
					return jsonshape.Errorf(path, "want a record (an object), got %s", jsonshape.Kind(t))
				}
				var a AuditLog
				if err := a.UnmarshalJSON(el); err != nil {
					return jsonshape.Rebase(err, path)
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
		return jsonshape.Errorf("$.metadata", "missing: the page has no metadata (links and results)")
	case !seenData:
		return jsonshape.Errorf("$.data", "missing: the page has no data array")
	}
	return nil
}

// decode reads metadata at path.
func (m *Metadata) decode(val []byte, path string) error {
	var seenLinks, seenResults bool
	err := jsonshape.Members(val, path, func(key string, val []byte) error {
		switch key {
		case "links":
			seenLinks = true
			return jsonshape.Members(val, path+".links", func(key string, val []byte) error {
				var err error
				switch key {
				case "self":
					m.Links.Self, err = jsonshape.OptString(val, path+".links.self")
				case "next":
					m.Links.Next, err = jsonshape.OptString(val, path+".links.next")
				}
				return err
			})
		case "results":
			seenResults = true
			seenTotal := false
			err := jsonshape.Members(val, path+".results", func(key string, val []byte) error {
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
				n, err := jsonshape.Count(val, path+".results."+key)
				*dst = n
				return err
			})
			if err == nil && !seenTotal {
				err = jsonshape.Errorf(path+".results.total", "missing: the page does not say how many records the query has")
			}
			return err
		}
		return nil
	})
	switch {
	case err != nil:
		return err
	case !seenLinks:
		return jsonshape.Errorf(path+".links", "missing: the page has no links (self, next)")
	case !seenResults:
		return jsonshape.Errorf(path+".results", "missing: the page has no results (total)")
	}
	return nil
}
