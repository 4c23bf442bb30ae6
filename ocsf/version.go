package ocsf

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Version is an OCSF schema version events are written in, e.g. "1.1.0".
// The package writes and validates the versions [Versions] lists: V1_1_0 (the
// default, which Amazon Security Lake accepts) and V1_8_0.
type Version = string

// The OCSF versions this package writes and validates. They are untyped
// constants, so they fit both a Version and Metadata.Version.
const (
	V1_1_0 = "1.1.0"
	V1_8_0 = "1.8.0"
	// DefaultVersion is the version New gives an event.
	DefaultVersion = V1_1_0
)

// ErrUnknownVersion is matched (errors.Is) by the error of ParseVersion and
// Event.SetVersion for a version the package does not know.
var ErrUnknownVersion = errors.New("ocsf: unknown OCSF version")

// Versions returns the versions the package writes and validates, oldest
// first.
func Versions() []Version { return []Version{V1_1_0, V1_8_0} }

// ParseVersion returns the version s names ("1.1.0" or "1.8.0"), or an error
// matching ErrUnknownVersion that lists the allowed values.
func ParseVersion(s string) (Version, error) {
	for _, v := range Versions() {
		if s == v {
			return v, nil
		}
	}
	return "", fmt.Errorf("%w %q (allowed: %s)", ErrUnknownVersion, s, strings.Join(Versions(), ", "))
}

// SetVersion makes e an event of OCSF version v: metadata.version becomes v,
// and the names of e's observables follow the attributes to where v writes
// them (see "Attributes a version lacks" in the package documentation). The
// mapping itself needs no change: the same Event is written correctly in
// either version. It returns an error matching ErrUnknownVersion, and leaves
// e as it is, for a version the package does not know.
func (e *Event) SetVersion(v Version) error {
	if _, err := ParseVersion(v); err != nil {
		return err
	}
	from := e.Metadata.Version
	e.Metadata.Version = v
	if from == v || len(e.Observables) == 0 {
		return nil
	}
	// translate each observable's name: from the old written path to the
	// model's attribute, then to the new written path.
	fromKeys := e.movedKeys(from)
	toKeys := e.movedKeys(v)
	obs := make([]Observable, 0, len(e.Observables))
	seen := map[[2]string]bool{}
	for _, o := range e.Observables {
		o.Name = e.writtenPath(v, toKeys, e.modelPath(from, fromKeys, o.Name))
		k := [2]string{o.Name, o.Value}
		if seen[k] {
			continue
		}
		seen[k] = true
		obs = append(obs, o)
	}
	e.Observables = obs
	return nil
}

// under reports whether path is attr or an attribute inside it.
func under(path, attr string) bool {
	return path == attr || strings.HasPrefix(path, attr+".")
}

// writtenPath returns where version v writes the model's attribute path p
// (moved: the event's movedKeys(v)).
func (e *Event) writtenPath(v Version, moved map[string]string, p string) string {
	if e.groupAsEntity(v) && under(p, "resource") {
		key := "resource"
		if _, taken := e.Unmapped[key]; taken {
			key = "ocsf_resource"
		}
		return "unmapped." + key + p[len("resource"):]
	}
	for attr, key := range moved {
		if under(p, attr) {
			return "unmapped." + key + p[len(attr):]
		}
	}
	if v == V1_8_0 && e.Class == ClassUserAccess && under(p, "resource") {
		return "resources" + p[len("resource"):] // 3005's resource is deprecated
	}
	if v == V1_1_0 && e.Class == ClassUserAccess && e.Resource == nil && len(e.Resources) == 1 && under(p, "resources") {
		return "resource" + p[len("resources"):] // 1.1.0's 3005 has no resources
	}
	return p
}

// modelPath is the inverse of writtenPath, for a path an observable of the
// event may have.
func (e *Event) modelPath(v Version, moved map[string]string, p string) string {
	if e.groupAsEntity(v) && (under(p, "unmapped.resource") || under(p, "unmapped.ocsf_resource")) && e.Resource != nil {
		return "resource" + p[strings.Index(p, "resource")+len("resource"):]
	}
	for attr, key := range moved {
		if w := "unmapped." + key; under(p, w) {
			return attr + p[len(w):]
		}
	}
	if v == V1_8_0 && e.Class == ClassUserAccess && e.Resource != nil && under(p, "resources") {
		return "resource" + p[len("resources"):]
	}
	return p
}

// movable lists the top-level attributes of Event that a version's class may
// lack; the encoding of that version then writes them under unmapped.
var movable = []string{"src_endpoint", "http_request"}

// movedKeys returns, for the event as version v writes it, the movable
// attributes it sets that v's class lacks (or has only with a profile the
// event does not list), each with the unmapped key it is written under:
// the attribute's name, or "ocsf_<name>" when the source's own unmapped
// fields already use that name.
func (e *Event) movedKeys(v Version) map[string]string {
	var out map[string]string
	for _, attr := range movable {
		if !e.hasTop(attr) || classHas(v, e.Class, attr, e.Metadata.Profiles) {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		key := attr
		if _, taken := e.Unmapped[key]; taken {
			key = "ocsf_" + attr
		}
		out[attr] = key
	}
	return out
}

// hasTop reports whether the event sets the movable attribute attr.
func (e *Event) hasTop(attr string) bool {
	switch attr {
	case "src_endpoint":
		return e.SrcEndpoint != nil
	case "http_request":
		return e.HTTPRequest != nil
	}
	return false
}

// classHas reports whether class c of version v has attribute attr, without
// a profile or with one of profiles. For a version or class the package does
// not know it reports true: such events are written as they are.
func classHas(v Version, c ClassUID, attr string, profiles []string) bool {
	s := schemaFor(v)
	if s == nil {
		return true
	}
	cl := s.classes[strconv.Itoa(int(c))]
	if cl == nil {
		return true
	}
	a := cl.byName[attr]
	if a == nil {
		return false
	}
	if len(a.profiles) == 0 {
		return true
	}
	for _, p := range a.profiles {
		for _, q := range profiles {
			if p == q {
				return true
			}
		}
	}
	return false
}
