package ocsf

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"time"
)

// Event is one OCSF 1.1.0 event.
//
// Derived fields are never stored: MarshalJSON writes class_uid, class_name,
// category_uid, category_name, activity_id, activity_name, type_uid
// (class*100+activity), type_name ("<Class caption>: <Activity caption>"),
// severity_id, severity, status_id, status and time from Class, Activity,
// ActivityLabel, Severity, Status, StatusLabel and Time. The other fields are
// written under their OCSF attribute names and left out when empty.
//
// Which attributes a class allows differs: see the package documentation for
// the attributes that need a profile in Metadata.Profiles.
type Event struct {
	Class    ClassUID   `json:"-"`
	Activity ActivityID `json:"-"`
	// ActivityLabel is written as activity_name when Activity is
	// ActivityOther (the source's own label); it is ignored otherwise.
	ActivityLabel string `json:"-"`
	// Severity is written as is, also when zero (Unknown); New sets
	// SeverityInformational. For SeverityOther no severity caption is
	// written.
	Severity SeverityID `json:"-"`
	// Status is optional: zero (StatusUnknown) is not written. For
	// StatusOther, StatusLabel is written as status.
	Status       StatusID `json:"-"`
	StatusLabel  string   `json:"-"`
	StatusCode   string   `json:"status_code,omitempty"`
	StatusDetail string   `json:"status_detail,omitempty"`
	// Time is when the event happened, written as epoch milliseconds
	// (time). It is required; a zero Time is left out, which Validate reports.
	Time time.Time `json:"-"`
	// TimezoneOffset is the number of minutes the event's local time is
	// ahead of UTC (timezone_offset), when the source tells it.
	TimezoneOffset *int   `json:"timezone_offset,omitempty"`
	Message        string `json:"message,omitempty"`
	Count          int    `json:"count,omitempty"`
	// Duration is how long the event took, in milliseconds (duration).
	Duration int64    `json:"duration,omitempty"`
	Metadata Metadata `json:"metadata"`

	Actor      *Actor `json:"actor,omitempty"`
	User       *User  `json:"user,omitempty"`
	UserResult *User  `json:"user_result,omitempty"`
	// SrcEndpoint is where the activity came from. Set it whenever the
	// record has a client IP (or host), in every class: where the event's
	// version lacks src_endpoint in its class (1.1.0: classes 3003-3006),
	// MarshalJSON writes it as unmapped.src_endpoint instead, and
	// AddObservables names its IP "unmapped.src_endpoint.ip"; in 1.8.0 it
	// is src_endpoint. HTTPRequest follows the same rule
	// (unmapped.http_request in 1.1.0's 3003-3006).
	SrcEndpoint *NetworkEndpoint `json:"src_endpoint,omitempty"`
	DstEndpoint *NetworkEndpoint `json:"dst_endpoint,omitempty"`
	Service     *Service         `json:"service,omitempty"`
	Session     *Session         `json:"session,omitempty"`

	AuthProtocolID int    `json:"auth_protocol_id,omitempty"`
	AuthProtocol   string `json:"auth_protocol,omitempty"`
	LogonTypeID    int    `json:"logon_type_id,omitempty"`
	LogonType      string `json:"logon_type,omitempty"`
	IsRemote       *bool  `json:"is_remote,omitempty"`
	IsMFA          *bool  `json:"is_mfa,omitempty"`

	Entity       *ManagedEntity `json:"entity,omitempty"`
	EntityResult *ManagedEntity `json:"entity_result,omitempty"`

	API          *API          `json:"api,omitempty"`
	HTTPRequest  *HTTPRequest  `json:"http_request,omitempty"`
	HTTPResponse *HTTPResponse `json:"http_response,omitempty"`
	WebResources []WebResource `json:"web_resources,omitempty"`

	Group      *Group   `json:"group,omitempty"`
	Privileges []string `json:"privileges,omitempty"`
	// Resource is the resource of User Access Management (3005) and Group
	// Management (3006) events.
	Resource *ResourceDetails `json:"resource,omitempty"`
	// Resources are the resources of API Activity (6003) events.
	Resources []ResourceDetails `json:"resources,omitempty"`

	// Observables are the event's observables: the IP addresses, host
	// names, user names, email addresses, URLs and resource uids it
	// carries, each with the attribute path it is written at. Fill them in
	// with AddObservables, last.
	Observables []Observable `json:"observables,omitempty"`

	// Unmapped holds the source's fields that have no OCSF attribute.
	Unmapped map[string]any `json:"unmapped,omitempty"`
	// RawData is the original record, as the source sent it.
	RawData string `json:"raw_data,omitempty"`
}

// Metadata is the event's metadata object. Version and Product.VendorName
// are required.
type Metadata struct {
	Version        string   `json:"version,omitempty"`
	UID            string   `json:"uid,omitempty"`
	CorrelationUID string   `json:"correlation_uid,omitempty"`
	EventCode      string   `json:"event_code,omitempty"`
	LogName        string   `json:"log_name,omitempty"`
	LogProvider    string   `json:"log_provider,omitempty"`
	OriginalTime   string   `json:"original_time,omitempty"`
	TenantUID      string   `json:"tenant_uid,omitempty"`
	Product        Product  `json:"product"`
	Profiles       []string `json:"profiles,omitempty"`
	Labels         []string `json:"labels,omitempty"`
	Sequence       int      `json:"sequence,omitempty"`
	LoggedTime     int64    `json:"logged_time,omitempty"`    // epoch milliseconds
	ModifiedTime   int64    `json:"modified_time,omitempty"`  // epoch milliseconds
	ProcessedTime  int64    `json:"processed_time,omitempty"` // epoch milliseconds
}

// Product is the product that reported the event. VendorName is required,
// and at least one of Name and UID.
type Product struct {
	Name       string `json:"name,omitempty"`
	VendorName string `json:"vendor_name,omitempty"`
	Version    string `json:"version,omitempty"`
	UID        string `json:"uid,omitempty"`
	URLString  string `json:"url_string,omitempty"`
	Lang       string `json:"lang,omitempty"`
}

// Actor is who performed the activity: at least one of User, Session and
// InvokedBy (or a process, which this model leaves out).
//
// InvokedBy (the service that acted) is deprecated in OCSF 1.8.0, whose
// encoding writes it as app_name instead (see "Deprecated attributes" in the
// package documentation); set InvokedBy, which both versions write.
type Actor struct {
	User      *User    `json:"user,omitempty"`
	Session   *Session `json:"session,omitempty"`
	InvokedBy string   `json:"invoked_by,omitempty"`
	IDP       *IDP     `json:"idp,omitempty"`
	// AppName and AppUID are OCSF 1.8.0 only (app_name, app_uid): the
	// 1.8.0 encoding fills AppName from InvokedBy; the 1.1.0 encoding
	// writes AppName as invoked_by when that is empty.
	AppName string `json:"app_name,omitempty"`
	AppUID  string `json:"app_uid,omitempty"`
}

// IDP is an identity provider (at least one of Name and UID).
type IDP struct {
	UID  string `json:"uid,omitempty"`
	Name string `json:"name,omitempty"`
}

// User is a user (at least one of Account, Name and UID). TypeID is 1 User,
// 2 Admin, 3 System or 99 Other (Type then carries the source's label).
//
// CredentialUID (e.g. an API key's id) is deprecated in OCSF 1.8.0, whose
// encoding writes it as programmatic_credentials [{"uid": ...}] instead;
// set CredentialUID, which both versions write.
type User struct {
	UID           string        `json:"uid,omitempty"`
	Name          string        `json:"name,omitempty"`
	EmailAddr     string        `json:"email_addr,omitempty"`
	FullName      string        `json:"full_name,omitempty"`
	Domain        string        `json:"domain,omitempty"`
	Type          string        `json:"type,omitempty"`
	TypeID        int           `json:"type_id,omitempty"`
	UIDAlt        string        `json:"uid_alt,omitempty"`
	CredentialUID string        `json:"credential_uid,omitempty"`
	Org           *Organization `json:"org,omitempty"`
	Groups        []Group       `json:"groups,omitempty"`
	Account       *Account      `json:"account,omitempty"`
	// ProgrammaticCredentials is OCSF 1.8.0 only: the 1.8.0 encoding fills
	// it from CredentialUID; the 1.1.0 encoding writes a lone uid as
	// credential_uid when that is empty.
	ProgrammaticCredentials []ProgrammaticCredential `json:"programmatic_credentials,omitempty"`
}

// ProgrammaticCredential is a credential for API access, e.g. an API key
// (OCSF 1.8.0 object programmatic_credential). UID is required.
type ProgrammaticCredential struct {
	UID  string `json:"uid,omitempty"`
	Type string `json:"type,omitempty"`
}

// Account is a user's account (at least one of Name and UID).
type Account struct {
	UID    string `json:"uid,omitempty"`
	Name   string `json:"name,omitempty"`
	Type   string `json:"type,omitempty"`
	TypeID int    `json:"type_id,omitempty"`
}

// Organization is an organization or tenant (at least one of Name and UID).
type Organization struct {
	UID    string `json:"uid,omitempty"`
	Name   string `json:"name,omitempty"`
	OUName string `json:"ou_name,omitempty"`
	OUUID  string `json:"ou_uid,omitempty"`
}

// NetworkEndpoint is a source or destination endpoint (at least one of IP,
// UID, Name, Hostname, SvcName and InstanceUID).
type NetworkEndpoint struct {
	UID         string    `json:"uid,omitempty"`
	Name        string    `json:"name,omitempty"`
	IP          string    `json:"ip,omitempty"`
	Port        int       `json:"port,omitempty"`
	Hostname    string    `json:"hostname,omitempty"`
	Domain      string    `json:"domain,omitempty"`
	SvcName     string    `json:"svc_name,omitempty"`
	Type        string    `json:"type,omitempty"`
	TypeID      int       `json:"type_id,omitempty"`
	InstanceUID string    `json:"instance_uid,omitempty"`
	Location    *Location `json:"location,omitempty"`
	// ISP is OCSF 1.8.0 only (network_endpoint.isp): the 1.8.0 encoding
	// moves Location.ISP here.
	ISP string `json:"isp,omitempty"`
}

// Location is a geographical location (at least one of City, Country,
// PostalCode, Region and Coordinates).
//
// Coordinates and ISP are deprecated in OCSF 1.8.0, whose encoding writes
// them as lat and long, and as the endpoint's isp.
type Location struct {
	City        string    `json:"city,omitempty"`
	Continent   string    `json:"continent,omitempty"`
	Country     string    `json:"country,omitempty"`
	Region      string    `json:"region,omitempty"`
	PostalCode  string    `json:"postal_code,omitempty"`
	Coordinates []float64 `json:"coordinates,omitempty"` // [longitude, latitude]
	ISP         string    `json:"isp,omitempty"`
	Desc        string    `json:"desc,omitempty"`
	// Lat and Long are OCSF 1.8.0 only (lat, long), filled from
	// Coordinates by the 1.8.0 encoding.
	Lat  *float64 `json:"lat,omitempty"`
	Long *float64 `json:"long,omitempty"`
}

// Service is a service (at least one of Name and UID).
type Service struct {
	UID     string   `json:"uid,omitempty"`
	Name    string   `json:"name,omitempty"`
	Version string   `json:"version,omitempty"`
	Labels  []string `json:"labels,omitempty"`
}

// Session is an authenticated session.
type Session struct {
	UID            string `json:"uid,omitempty"`
	UIDAlt         string `json:"uid_alt,omitempty"`
	Issuer         string `json:"issuer,omitempty"`
	CreatedTime    int64  `json:"created_time,omitempty"`    // epoch milliseconds
	ExpirationTime int64  `json:"expiration_time,omitempty"` // epoch milliseconds
	IsRemote       *bool  `json:"is_remote,omitempty"`
	IsMFA          *bool  `json:"is_mfa,omitempty"`
	CredentialUID  string `json:"credential_uid,omitempty"`
}

// ManagedEntity is the entity of an Entity Management event (at least one of
// Name and UID). Data holds the entity's own fields.
type ManagedEntity struct {
	UID     string `json:"uid,omitempty"`
	Name    string `json:"name,omitempty"`
	Type    string `json:"type,omitempty"`
	Version string `json:"version,omitempty"`
	Data    any    `json:"data,omitempty"`
}

// API describes an API call. Operation is required.
type API struct {
	Operation string       `json:"operation,omitempty"`
	Version   string       `json:"version,omitempty"`
	Service   *Service     `json:"service,omitempty"`
	Request   *APIRequest  `json:"request,omitempty"`
	Response  *APIResponse `json:"response,omitempty"`
	Group     *Group       `json:"group,omitempty"`
}

// APIRequest is the request of an API call (OCSF object "request"). UID is
// required.
type APIRequest struct {
	UID   string   `json:"uid,omitempty"`
	Data  any      `json:"data,omitempty"`
	Flags []string `json:"flags,omitempty"`
}

// APIResponse is the response of an API call (OCSF object "response").
type APIResponse struct {
	Code         int      `json:"code,omitempty"`
	Error        string   `json:"error,omitempty"`
	ErrorMessage string   `json:"error_message,omitempty"`
	Message      string   `json:"message,omitempty"`
	Data         any      `json:"data,omitempty"`
	Flags        []string `json:"flags,omitempty"`
}

// HTTPRequest is an HTTP request. HTTPMethod, when set, must be one of
// CONNECT, DELETE, GET, HEAD, OPTIONS, POST, PUT and TRACE.
type HTTPRequest struct {
	HTTPMethod    string       `json:"http_method,omitempty"`
	URL           *URL         `json:"url,omitempty"`
	UserAgent     string       `json:"user_agent,omitempty"`
	Version       string       `json:"version,omitempty"`
	UID           string       `json:"uid,omitempty"`
	Referrer      string       `json:"referrer,omitempty"`
	Args          string       `json:"args,omitempty"`
	Length        int          `json:"length,omitempty"`
	XForwardedFor []string     `json:"x_forwarded_for,omitempty"`
	HTTPHeaders   []HTTPHeader `json:"http_headers,omitempty"`
}

// URL is a URL (at least one of URLString and Path).
type URL struct {
	URLString   string `json:"url_string,omitempty"`
	Scheme      string `json:"scheme,omitempty"`
	Hostname    string `json:"hostname,omitempty"`
	Port        int    `json:"port,omitempty"`
	Path        string `json:"path,omitempty"`
	QueryString string `json:"query_string,omitempty"`
	Subdomain   string `json:"subdomain,omitempty"`
}

// HTTPResponse is an HTTP response. Code is required.
type HTTPResponse struct {
	Code        int          `json:"code,omitempty"`
	Message     string       `json:"message,omitempty"`
	Status      string       `json:"status,omitempty"`
	ContentType string       `json:"content_type,omitempty"`
	Length      int          `json:"length,omitempty"`
	Latency     int          `json:"latency,omitempty"`
	HTTPHeaders []HTTPHeader `json:"http_headers,omitempty"`
}

// HTTPHeader is one HTTP header. Both fields are required, and Value is
// written even when empty.
type HTTPHeader struct {
	Name  string `json:"name,omitempty"`
	Value string `json:"value"`
}

// WebResource is a web resource (at least one of Name and UID).
type WebResource struct {
	UID       string   `json:"uid,omitempty"`
	Name      string   `json:"name,omitempty"`
	Type      string   `json:"type,omitempty"`
	Desc      string   `json:"desc,omitempty"`
	URLString string   `json:"url_string,omitempty"`
	Data      any      `json:"data,omitempty"`
	Labels    []string `json:"labels,omitempty"`
}

// Group is a group (at least one of Name and UID).
type Group struct {
	UID        string   `json:"uid,omitempty"`
	Name       string   `json:"name,omitempty"`
	Type       string   `json:"type,omitempty"`
	Desc       string   `json:"desc,omitempty"`
	Domain     string   `json:"domain,omitempty"`
	Privileges []string `json:"privileges,omitempty"`
}

// ResourceDetails is a resource an activity touched (at least one of Name
// and UID).
type ResourceDetails struct {
	UID       string   `json:"uid,omitempty"`
	Name      string   `json:"name,omitempty"`
	Type      string   `json:"type,omitempty"`
	Version   string   `json:"version,omitempty"`
	Namespace string   `json:"namespace,omitempty"`
	Data      any      `json:"data,omitempty"`
	Labels    []string `json:"labels,omitempty"`
	Owner     *User    `json:"owner,omitempty"`
	Group     *Group   `json:"group,omitempty"`
}

// New returns an event of the given class and activity at time t, with
// severity Informational and metadata.version set to DefaultVersion
// (1.1.0).
func New(class ClassUID, activity ActivityID, t time.Time) Event {
	return Event{
		Class:    class,
		Activity: activity,
		Severity: SeverityInformational,
		Time:     t,
		Metadata: Metadata{Version: DefaultVersion},
	}
}

// TypeUID returns the event's type_uid: class_uid * 100 + activity_id.
func (e Event) TypeUID() int64 {
	return int64(e.Class)*100 + int64(e.Activity)
}

// AddProfile adds profile p (e.g. "host") to Metadata.Profiles unless it is
// already listed.
func (e *Event) AddProfile(p string) {
	if !slices.Contains(e.Metadata.Profiles, p) {
		e.Metadata.Profiles = append(e.Metadata.Profiles, p)
	}
}

// plainEvent has Event's fields without its methods.
type plainEvent Event

// moveToUnmapped moves the attributes of moved (attribute -> unmapped key)
// into a copy of p.Unmapped.
func (p *plainEvent) moveToUnmapped(moved map[string]string) {
	um := make(map[string]any, len(p.Unmapped)+len(moved))
	maps.Copy(um, p.Unmapped)
	for attr, key := range moved {
		switch attr {
		case "src_endpoint":
			um[key], p.SrcEndpoint = p.SrcEndpoint, nil
		case "http_request":
			um[key], p.HTTPRequest = p.HTTPRequest, nil
		}
	}
	p.Unmapped = um
}

type eventOut struct {
	ClassUID     ClassUID    `json:"class_uid"`
	ClassName    string      `json:"class_name,omitempty"`
	CategoryUID  CategoryUID `json:"category_uid"`
	CategoryName string      `json:"category_name,omitempty"`
	ActivityID   ActivityID  `json:"activity_id"`
	ActivityName string      `json:"activity_name,omitempty"`
	TypeUID      int64       `json:"type_uid"`
	TypeName     string      `json:"type_name,omitempty"`
	SeverityID   SeverityID  `json:"severity_id"`
	Severity     string      `json:"severity,omitempty"`
	StatusID     StatusID    `json:"status_id,omitempty"`
	Status       string      `json:"status,omitempty"`
	Time         *int64      `json:"time,omitempty"`
	*plainEvent
}

// MarshalJSON writes the event as OCSF JSON, derived fields first. It does
// not escape &, < and > (json.Marshal of an Event still does, unless an
// Encoder with SetEscapeHTML(false) is used).
func (e Event) MarshalJSON() ([]byte, error) {
	if e.groupAsEntity(e.Metadata.Version) {
		e = e.asEntity()
	}
	e.Activity, e.ActivityLabel = activityIn(e.Metadata.Version, e.Class, e.Activity, e.ActivityLabel)
	p := plainEvent(e)
	if moved := e.movedKeys(e.Metadata.Version); moved != nil {
		p.moveToUnmapped(moved)
	}
	p.encodeFor(e.Metadata.Version)
	out := eventOut{
		ClassUID:     e.Class,
		ClassName:    e.Class.Caption(),
		CategoryUID:  e.Class.Category(),
		ActivityID:   e.Activity,
		TypeUID:      e.TypeUID(),
		SeverityID:   e.Severity,
		StatusID:     e.Status,
		plainEvent:   &p,
		CategoryName: e.Class.Category().Caption(),
	}
	actCaption := ActivityCaption(e.Class, e.Activity)
	if actCaption == "" && e.Metadata.Version == V1_8_0 {
		actCaption = caption180(e.Class, e.Activity)
	}
	if e.Activity == ActivityOther {
		out.ActivityName = e.ActivityLabel
	} else {
		out.ActivityName = actCaption
	}
	if out.ClassName != "" && actCaption != "" {
		out.TypeName = out.ClassName + ": " + actCaption
	}
	if e.Severity != SeverityOther {
		out.Severity = e.Severity.Caption()
	}
	switch e.Status {
	case StatusUnknown:
	case StatusOther:
		out.Status = e.StatusLabel
	default:
		out.Status = e.Status.Caption()
	}
	if !e.Time.IsZero() {
		ms := e.Time.UnixMilli()
		out.Time = &ms
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep "&" in "Identity & Access Management"
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

type eventIn struct {
	ClassUID     ClassUID   `json:"class_uid"`
	ActivityID   ActivityID `json:"activity_id"`
	ActivityName string     `json:"activity_name"`
	SeverityID   SeverityID `json:"severity_id"`
	StatusID     StatusID   `json:"status_id"`
	Status       string     `json:"status"`
	Time         *int64     `json:"time"`
	*plainEvent
}

// UnmarshalJSON reads an event written by MarshalJSON (or any OCSF JSON with
// the same attributes). Derived fields are recomputed, not read, except
// activity_name and status, which become ActivityLabel and StatusLabel when
// the activity or status is Other. Attributes the model lacks are dropped.
func (e *Event) UnmarshalJSON(b []byte) error {
	var p plainEvent
	in := eventIn{plainEvent: &p}
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	ev := Event(p)
	ev.Class = in.ClassUID
	ev.Activity = in.ActivityID
	ev.Severity = in.SeverityID
	ev.Status = in.StatusID
	if ev.Activity == ActivityOther {
		ev.ActivityLabel = in.ActivityName
	}
	if ev.Status == StatusOther {
		ev.StatusLabel = in.Status
	}
	if in.Time != nil {
		ev.Time = time.UnixMilli(*in.Time).UTC()
	}
	*e = ev
	return nil
}
