package ocsf

import (
	"maps"
	"slices"
	"strconv"
	"strings"
)

// encodeFor rewrites, on copies, the attributes that version v names
// otherwise than the model: for 1.8.0 the deprecated ones go to their
// replacements; for 1.1.0 the 1.8.0-only ones go back where 1.1.0 has a
// place for them. Any other version is written as the model has it.
func (p *plainEvent) encodeFor(v Version) {
	var fixUser func(*User) *User
	var fixEndpoint func(*NetworkEndpoint) *NetworkEndpoint
	var fixActor func(*Actor) *Actor
	switch v {
	case V1_8_0:
		fixUser, fixEndpoint, fixActor = user18, endpoint18, actor18
	case V1_1_0:
		fixUser, fixEndpoint, fixActor = user110, endpoint110, actor110
	default:
		return
	}
	if v == V1_8_0 && p.Class == ClassUserAccess && p.Resource != nil {
		// 3005's resource is deprecated in 1.8.0: it is the first of resources
		p.Resources = append([]ResourceDetails{*p.Resource}, p.Resources...)
		p.Resource = nil
	}
	if v == V1_1_0 && p.Class == ClassUserAccess && p.Resource == nil && len(p.Resources) == 1 {
		// 1.1.0's 3005 has resource, not resources
		p.Resource, p.Resources = &p.Resources[0], nil
	}
	if p.Actor != nil {
		a := fixActor(p.Actor)
		if u := fixUser(a.User); u != a.User {
			if a == p.Actor {
				c := *a
				a = &c
			}
			a.User = u
		}
		p.Actor = a
	}
	p.User = fixUser(p.User)
	p.UserResult = fixUser(p.UserResult)
	p.SrcEndpoint = fixEndpoint(p.SrcEndpoint)
	p.DstEndpoint = fixEndpoint(p.DstEndpoint)
	if p.Resource != nil {
		if o := fixUser(p.Resource.Owner); o != p.Resource.Owner {
			r := *p.Resource
			r.Owner = o
			p.Resource = &r
		}
	}
	cloned := false
	for i := range p.Resources {
		if o := fixUser(p.Resources[i].Owner); o != p.Resources[i].Owner {
			if !cloned {
				p.Resources, cloned = slices.Clone(p.Resources), true
			}
			p.Resources[i].Owner = o
		}
	}
}

// user18 returns u, or a copy of it with credential_uid written as
// programmatic_credentials.
func user18(u *User) *User {
	if u == nil || u.CredentialUID == "" {
		return u
	}
	c := *u
	if !slices.ContainsFunc(c.ProgrammaticCredentials, func(pc ProgrammaticCredential) bool { return pc.UID == u.CredentialUID }) {
		c.ProgrammaticCredentials = append(slices.Clip(c.ProgrammaticCredentials), ProgrammaticCredential{UID: u.CredentialUID})
	}
	c.CredentialUID = ""
	return &c
}

// user110 returns u, or a copy of it with a lone programmatic credential's
// uid written as credential_uid.
func user110(u *User) *User {
	if u == nil || len(u.ProgrammaticCredentials) != 1 || u.ProgrammaticCredentials[0].Type != "" {
		return u
	}
	if u.CredentialUID != "" && u.CredentialUID != u.ProgrammaticCredentials[0].UID {
		return u
	}
	c := *u
	c.CredentialUID = u.ProgrammaticCredentials[0].UID
	c.ProgrammaticCredentials = nil
	return &c
}

// actor18 returns a, or a copy of it with invoked_by written as app_name.
func actor18(a *Actor) *Actor {
	if a.InvokedBy == "" {
		return a
	}
	c := *a
	if c.AppName == "" {
		c.AppName = a.InvokedBy
	}
	if c.AppName == a.InvokedBy {
		c.InvokedBy = ""
	}
	return &c
}

// actor110 returns a, or a copy of it with app_name written as invoked_by.
func actor110(a *Actor) *Actor {
	if a.AppName == "" || a.AppUID != "" || (a.InvokedBy != "" && a.InvokedBy != a.AppName) {
		return a
	}
	c := *a
	c.InvokedBy, c.AppName = a.AppName, ""
	return &c
}

// endpoint18 returns n, or a copy of it with its location's coordinates
// written as lat and long, and the location's isp as the endpoint's.
func endpoint18(n *NetworkEndpoint) *NetworkEndpoint {
	if n == nil || n.Location == nil {
		return n
	}
	l := n.Location
	if len(l.Coordinates) != 2 && l.ISP == "" {
		return n
	}
	c, lc := *n, *l
	if len(l.Coordinates) == 2 && lc.Lat == nil && lc.Long == nil {
		long, lat := l.Coordinates[0], l.Coordinates[1]
		lc.Long, lc.Lat, lc.Coordinates = &long, &lat, nil
	}
	if l.ISP != "" && (c.ISP == "" || c.ISP == l.ISP) {
		c.ISP, lc.ISP = l.ISP, ""
	}
	c.Location = &lc
	return &c
}

// endpoint110 returns n, or a copy of it with the 1.8.0 isp, lat and long
// written where 1.1.0 has them.
func endpoint110(n *NetworkEndpoint) *NetworkEndpoint {
	if n == nil || n.Location == nil || (n.ISP == "" && n.Location.Lat == nil && n.Location.Long == nil) {
		return n
	}
	c, lc := *n, *n.Location
	if lc.Lat != nil && lc.Long != nil && len(lc.Coordinates) == 0 {
		lc.Coordinates = []float64{*lc.Long, *lc.Lat}
		lc.Lat, lc.Long = nil, nil
	}
	if c.ISP != "" && lc.ISP == "" {
		lc.ISP, c.ISP = c.ISP, ""
	}
	c.Location = &lc
	return &c
}

// groupAsEntity reports whether version v writes e, a group created or
// deleted, as Entity Management: OCSF 1.1.0's Group Management needs a
// user or privileges (at_least_one), which a group's creation or deletion
// does not have. 1.8.0 writes it as Group Management Create or Delete.
func (e *Event) groupAsEntity(v Version) bool {
	return v == V1_1_0 && e.Class == ClassGroupManagement &&
		(e.Activity == GroupManagementCreate || e.Activity == GroupManagementDelete) &&
		e.User == nil && len(e.Privileges) == 0
}

// asEntity returns e, a group created or deleted, as 1.1.0 writes it:
// Entity Management Create or Delete (activity_id 1 or 4) of the entity
// {uid, name, type "Group"} (the group's other fields in entity.data); an
// entity e already has stays, and the group goes under unmapped.group
// then. 3004 has no resource in 1.1.0: it goes under unmapped.resource.
func (e Event) asEntity() Event {
	e.Class = ClassEntityManagement
	if e.Activity == GroupManagementCreate {
		e.Activity = EntityManagementCreate
	} else {
		e.Activity = EntityManagementDelete
	}
	um := maps.Clone(e.Unmapped)
	put := func(k string, v any) {
		if um == nil {
			um = map[string]any{}
		}
		if _, taken := um[k]; taken {
			k = "ocsf_" + k
		}
		um[k] = v
	}
	if g := e.Group; g != nil {
		if e.Entity == nil {
			ent := &ManagedEntity{UID: g.UID, Name: g.Name, Type: "Group"}
			data := map[string]any{}
			if g.Type != "" {
				data["type"] = g.Type
			}
			if g.Desc != "" {
				data["desc"] = g.Desc
			}
			if g.Domain != "" {
				data["domain"] = g.Domain
			}
			if len(g.Privileges) > 0 {
				data["privileges"] = g.Privileges
			}
			if len(data) > 0 {
				ent.Data = data
			}
			e.Entity = ent
		} else {
			put("group", g)
		}
		e.Group = nil
	}
	if e.Resource != nil {
		put("resource", e.Resource)
		e.Resource = nil
	}
	e.Unmapped = um
	return e
}

// activityIn returns the activity and label version v writes for activity a
// of class c with label: in 1.1.0 an activity only 1.8.0 defines (Unlock,
// Enable, ...) is Other with the 1.8.0 caption as its label (unless a label
// is set); in 1.8.0 Other with a label that is, case aside, the caption of
// an activity 1.8.0 added to the class becomes that activity.
func activityIn(v Version, c ClassUID, a ActivityID, label string) (ActivityID, string) {
	ci, known := classTable(c)
	if !known {
		return a, label
	}
	switch v {
	case V1_1_0:
		if a > 0 && a != ActivityOther && (int(a) >= len(ci.activities) || ci.activities[a] == "") {
			if cap := caption180(c, a); cap != "" {
				if label == "" {
					label = cap
				}
				return ActivityOther, label
			}
		}
	case V1_8_0:
		if a == ActivityOther && label != "" {
			if s := schemaFor(V1_8_0); s != nil {
				if ad := s.classes[strconv.Itoa(int(c))].byName["activity_id"]; ad != nil {
					for _, e := range ad.enum {
						id, err := strconv.Atoi(e.key)
						if err != nil || id <= 0 || id == int(ActivityOther) || (id < len(ci.activities) && ci.activities[id] != "") {
							continue // not one 1.8.0 added
						}
						if strings.EqualFold(strings.TrimSpace(label), e.caption) {
							return ActivityID(id), ""
						}
					}
				}
			}
		}
	}
	return a, label
}

// caption180 is the caption of activity a of class c in OCSF 1.8.0, or "".
func caption180(c ClassUID, a ActivityID) string {
	s := schemaFor(V1_8_0)
	if s == nil {
		return ""
	}
	cap, _ := s.enumCaption(strconv.Itoa(int(c)), "activity_id", strconv.Itoa(int(a)))
	return cap
}

// WrittenClass returns the class MarshalJSON writes e as, under its
// metadata version: e.Class, except for a group created or deleted, which
// OCSF 1.1.0 writes as Entity Management (see SetVersion). Outputs that
// file events by class (one Security Lake custom source per class) use it.
func (e Event) WrittenClass() ClassUID {
	if e.groupAsEntity(e.Metadata.Version) {
		return ClassEntityManagement
	}
	return e.Class
}
