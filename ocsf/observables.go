package ocsf

import (
	"maps"
	"net/netip"
	"net/url"
	"slices"
	"strings"
)

// Observable is one OCSF observable: a value of a well-known kind (an IP
// address, a user name, ...) that the event carries, with the attribute path
// it is written at.
type Observable struct {
	// Name is the attribute path of the value as the event is written,
	// dotted and without array indices, e.g. "actor.user.name",
	// "src_endpoint.ip", "resources.uid" or "unmapped.client.ip".
	Name string `json:"name"`
	// Type is the caption of TypeID, e.g. "IP Address".
	Type string `json:"type,omitempty"`
	// TypeID is one of the Observable* type ids.
	TypeID int `json:"type_id"`
	// Value is the value, as a string.
	Value string `json:"value,omitempty"`
}

// Observable type ids (observable.type_id) of OCSF 1.1.0, which 1.8.0 keeps.
const (
	ObservableUnknown     = 0
	ObservableHostname    = 1
	ObservableIPAddress   = 2
	ObservableMACAddress  = 3
	ObservableUserName    = 4
	ObservableEmail       = 5
	ObservableURL         = 6
	ObservableFileName    = 7
	ObservableHash        = 8
	ObservableProcessName = 9
	ObservableResourceUID = 10
	ObservableOther       = 99
)

// ObservableCaption returns the caption of observable type id t, e.g.
// "IP Address", or "" for an id this package does not name.
func ObservableCaption(t int) string {
	switch t {
	case ObservableUnknown:
		return "Unknown"
	case ObservableHostname:
		return "Hostname"
	case ObservableIPAddress:
		return "IP Address"
	case ObservableMACAddress:
		return "MAC Address"
	case ObservableUserName:
		return "User Name"
	case ObservableEmail:
		return "Email Address"
	case ObservableURL:
		return "URL String"
	case ObservableFileName:
		return "File Name"
	case ObservableHash:
		return "Hash"
	case ObservableProcessName:
		return "Process Name"
	case ObservableResourceUID:
		return "Resource UID"
	case ObservableOther:
		return "Other"
	}
	return ""
}

// AddObservables adds to ev.Observables every IP address, host name, user
// name, email address, URL and resource uid that ev carries:
//
//   - from the mapped attributes: src_endpoint and dst_endpoint (ip,
//     hostname),
//     http_request (url.url_string, url.hostname, x_forwarded_for), the
//     users (actor.user, user, user_result, resource(s).owner: name and
//     email_addr), resource.uid, resources.uid, entity.uid,
//     entity_result.uid and web_resources (uid, url_string);
//   - from the free-form data of entity, entity_result, resource(s) and
//     web_resources, and from unmapped, walked whole (maps, slices and
//     strings as encoding/json decodes them; other Go types are not looked
//     into): strings that are IP addresses (net/netip, also "ip:port"),
//     email addresses, http(s), ftp and ws(s) URLs with a host, and host
//     names where the key names a host (it ends in "host", "hostname" or
//     "host_name", or holds "fqdn"), each named by its keys, e.g.
//     "unmapped.client.ip" or "entity.data.hostname".
//
// Paths longer than 1024 bytes and values nested deeper than 64 levels are
// not looked at. Each observable's Name is where the value is written in ev's version (see
// "Attributes a version lacks" in the package documentation), so call
// AddObservables last, after every attribute is set; SetVersion keeps the
// names right when the version changes afterwards. Observables already in
// ev.Observables are kept, first; an observable with the same name and value
// as one already there is not added again. The order is stable: mapped
// attributes in the order above, then unmapped keys in sorted order.
func AddObservables(ev *Event) {
	if ev == nil {
		return
	}
	c := obsCollector{seen: map[[2]string]bool{}}
	for _, o := range ev.Observables {
		c.seen[[2]string{o.Name, o.Value}] = true
	}
	c.out = ev.Observables
	moved := ev.movedKeys(ev.Metadata.Version)
	at := func(attr string) string { return ev.writtenPath(ev.Metadata.Version, moved, attr) }
	c.endpoint(at("src_endpoint"), ev.SrcEndpoint)
	c.endpoint(at("dst_endpoint"), ev.DstEndpoint)
	if r := ev.HTTPRequest; r != nil {
		p := at("http_request")
		if r.URL != nil {
			c.add(p+".url.url_string", ObservableURL, r.URL.URLString)
			c.add(p+".url.hostname", ObservableHostname, r.URL.Hostname)
		}
		for _, ip := range r.XForwardedFor {
			c.add(p+".x_forwarded_for", ObservableIPAddress, ip)
		}
	}
	if ev.Actor != nil {
		c.user("actor.user", ev.Actor.User)
	}
	c.user("user", ev.User)
	c.user("user_result", ev.UserResult)
	if r := ev.Resource; r != nil {
		c.add(at("resource")+".uid", ObservableResourceUID, r.UID)
		c.user(at("resource")+".owner", r.Owner)
	}
	for _, r := range ev.Resources {
		c.add(at("resources")+".uid", ObservableResourceUID, r.UID)
		c.user(at("resources")+".owner", r.Owner)
	}
	if ev.Entity != nil {
		c.add("entity.uid", ObservableResourceUID, ev.Entity.UID)
	}
	if ev.EntityResult != nil {
		c.add("entity_result.uid", ObservableResourceUID, ev.EntityResult.UID)
	}
	for _, w := range ev.WebResources {
		c.add("web_resources.uid", ObservableResourceUID, w.UID)
		c.add("web_resources.url_string", ObservableURL, w.URLString)
	}
	// the objects' free-form data, then unmapped (the source's own keys;
	// the moved attributes were done above), each walked in key order
	if ev.Entity != nil {
		c.walk("entity.data", "data", ev.Entity.Data, 0)
	}
	if ev.EntityResult != nil {
		c.walk("entity_result.data", "data", ev.EntityResult.Data, 0)
	}
	if ev.Resource != nil {
		c.walk(at("resource")+".data", "data", ev.Resource.Data, 0)
	}
	for _, r := range ev.Resources {
		c.walk(at("resources")+".data", "data", r.Data, 0)
	}
	for _, w := range ev.WebResources {
		c.walk("web_resources.data", "data", w.Data, 0)
	}
	for _, k := range slices.Sorted(maps.Keys(ev.Unmapped)) {
		c.walk("unmapped."+k, k, ev.Unmapped[k], 0)
	}
	ev.Observables = c.out
}

type obsCollector struct {
	out  []Observable
	seen map[[2]string]bool
}

// maxObservableName bounds an observable's name: a path through deeply
// nested or very long unmapped keys is not worth one.
const maxObservableName = 1024

func (c *obsCollector) add(name string, typeID int, value string) {
	if value == "" || len(name) > maxObservableName {
		return
	}
	k := [2]string{name, value}
	if c.seen[k] {
		return
	}
	c.seen[k] = true
	c.out = append(c.out, Observable{Name: name, Type: ObservableCaption(typeID), TypeID: typeID, Value: value})
}

func (c *obsCollector) endpoint(p string, n *NetworkEndpoint) {
	if n == nil {
		return
	}
	c.add(p+".ip", ObservableIPAddress, n.IP)
	c.add(p+".hostname", ObservableHostname, n.Hostname)
}

func (c *obsCollector) user(p string, u *User) {
	if u == nil {
		return
	}
	c.add(p+".name", ObservableUserName, u.Name)
	c.add(p+".email_addr", ObservableEmail, u.EmailAddr)
}

// maxWalkDepth bounds the walk of unmapped; deeper values are not looked at.
const maxWalkDepth = 64

// walk adds the observables of an unmapped value v at path p; key is the
// innermost object key above v.
func (c *obsCollector) walk(p, key string, v any, depth int) {
	if depth > maxWalkDepth || len(p) > maxObservableName {
		return
	}
	switch x := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(x)) {
			c.walk(p+"."+k, k, x[k], depth+1)
		}
	case []any:
		for _, e := range x {
			c.walk(p, key, e, depth+1)
		}
	case []string:
		for _, e := range x {
			c.walk(p, key, e, depth+1)
		}
	case string:
		if t, val, ok := classify(key, x); ok {
			c.add(p, t, val)
		}
	}
}

// classify recognizes an unmapped string value, conservatively: an IP
// address (alone or with a port), an email address, an http(s)/ftp/ws(s)
// URL with a host, or, when key names a host (isHostKey), a host name (one
// label will do there: "WIN-7F3K").
func classify(key, s string) (int, string, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 2048 {
		return 0, "", false
	}
	lk := strings.ToLower(key)
	if strings.Contains(lk, "version") {
		return 0, "", false // "1.2.3.4" is a version there, not an address
	}
	if ip, err := netip.ParseAddr(s); err == nil {
		return ObservableIPAddress, ip.String(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ObservableIPAddress, ap.Addr().String(), true
	}
	if isEmail(s) {
		return ObservableEmail, s, true
	}
	if isURL(s) {
		return ObservableURL, s, true
	}
	if isHostKey(key) && isHostname(s, 1) {
		return ObservableHostname, s, true
	}
	return 0, "", false
}

// isEmail reports whether s is a plain address "local@domain" with a
// dotted domain and no spaces, quotes or angle brackets.
func isEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 || at != strings.LastIndexByte(s, '@') || len(s)-at-1 > 253 {
		return false
	}
	if strings.ContainsAny(s, " \t\r\n\"<>(),;:[]\\") {
		return false
	}
	dom := s[at+1:]
	return isHostname(dom, 2)
}

// isURL reports whether s is an absolute http, https or ftp URL with a
// host and no spaces.
func isURL(s string) bool {
	if strings.ContainsAny(s, " \t\r\n") {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https", "ftp", "ftps", "ws", "wss":
		return true
	}
	return false
}

// isHostKey reports whether an unmapped key names a host: it ends in
// "host", "hostname" or "host_name", or holds "fqdn" (case aside).
func isHostKey(key string) bool {
	k := strings.ToLower(key)
	return strings.HasSuffix(k, "host") || strings.HasSuffix(k, "hostname") ||
		strings.HasSuffix(k, "host_name") || strings.Contains(k, "fqdn")
}

// isHostname reports whether s is a DNS name of at least minLabels labels
// of letters, digits and hyphens (not at a label's ends), at most 253
// bytes, whose last label is not all digits.
func isHostname(s string, minLabels int) bool {
	s = strings.TrimSuffix(s, ".")
	if len(s) == 0 || len(s) > 253 {
		return false
	}
	labels := strings.Split(s, ".")
	if len(labels) < minLabels {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			b := l[i]
			if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-') {
				return false
			}
		}
	}
	last := labels[len(labels)-1]
	return strings.Trim(last, "0123456789") != ""
}
