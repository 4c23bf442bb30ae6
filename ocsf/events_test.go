package ocsf

import (
	"time"
)

// Hand-built events used by several tests.

var testTime = time.Date(2024, 6, 12, 17, 23, 29, 419_000_000, time.UTC)

func ptr[T any](v T) *T { return &v }

func testMetadata(uid string) Metadata {
	return Metadata{
		Version: DefaultVersion,
		UID:     uid,
		Product: Product{Name: "Example Console", VendorName: "Example Vendor", Version: "1.0.0"},
	}
}

// validEvents returns one valid event for each of 3001, 3002, 3004, 3005,
// 3006, 6001 and 6003.
func validEvents() []Event {
	var evs []Event

	e := New(ClassAccountChange, AccountChangePasswordReset, testTime)
	e.Status = StatusSuccess
	e.Message = "password reset for bob"
	e.Metadata = testMetadata("evt-3001")
	e.Actor = &Actor{User: &User{UID: "u-1", Name: "alice", EmailAddr: "alice@example.com", TypeID: 2, Type: "Admin"}}
	e.User = &User{UID: "u-42", Name: "bob", Org: &Organization{UID: "org-1", Name: "Example Org"}}
	e.SrcEndpoint = &NetworkEndpoint{IP: "192.0.2.10"}
	e.HTTPRequest = &HTTPRequest{UserAgent: "Mozilla/5.0", HTTPMethod: "POST"}
	evs = append(evs, e)

	e = New(ClassAuthentication, AuthenticationLogon, testTime)
	e.Status = StatusFailure
	e.StatusCode = "401"
	e.StatusDetail = "bad password"
	e.Metadata = testMetadata("evt-3002")
	e.User = &User{UID: "u-42", Name: "bob", Account: &Account{UID: "acct-9", Name: "bob@example"}}
	e.Service = &Service{Name: "Example Console"}
	e.SrcEndpoint = &NetworkEndpoint{IP: "2001:db8::1", Port: 51234, Location: &Location{City: "Berlin", Country: "DE"}}
	e.DstEndpoint = &NetworkEndpoint{Hostname: "console.example.com"}
	e.Session = &Session{UID: "s-1", CreatedTime: testTime.UnixMilli(), IsMFA: ptr(true)}
	e.AuthProtocolID, e.AuthProtocol = 5, "SAML"
	e.LogonTypeID, e.LogonType = 3, "Network"
	e.IsRemote, e.IsMFA = ptr(true), ptr(false)
	evs = append(evs, e)

	e = New(ClassEntityManagement, EntityManagementUpdate, testTime)
	e.Metadata = testMetadata("evt-3004")
	e.AddProfile("host") // actor needs the host profile in 3004
	e.Actor = &Actor{User: &User{UID: "u-1", Name: "alice"}, InvokedBy: "terraform"}
	e.Entity = &ManagedEntity{UID: "policy-7", Name: "Patch Tuesday", Type: "policy", Data: map[string]any{"schedule": "weekly"}}
	e.EntityResult = &ManagedEntity{UID: "policy-7", Name: "Patch Wednesday", Type: "policy", Version: "2"}
	e.Unmapped = map[string]any{"zone_id": 17}
	evs = append(evs, e)

	e = New(ClassUserAccess, UserAccessAssignPrivileges, testTime)
	e.Metadata = testMetadata("evt-3005")
	e.User = &User{UID: "u-42", Name: "bob"}
	e.Privileges = []string{"admin", "billing"}
	e.Resource = &ResourceDetails{UID: "repo-1", Name: "auditkit", Type: "repository", Owner: &User{Name: "octo-org"}}
	evs = append(evs, e)

	e = New(ClassGroupManagement, GroupManagementAddUser, testTime)
	e.Metadata = testMetadata("evt-3006")
	e.AddProfile("host")
	e.Actor = &Actor{User: &User{UID: "u-1", Name: "alice"}}
	e.Group = &Group{UID: "g-1", Name: "admins", Privileges: []string{"admin"}}
	e.User = &User{UID: "u-42", Name: "bob", Groups: []Group{{Name: "everyone"}}}
	evs = append(evs, e)

	e = New(ClassWebResourcesActivity, WebResourcesExport, testTime)
	e.Status = StatusSuccess
	e.Metadata = testMetadata("evt-6001")
	e.WebResources = []WebResource{{UID: "report-3", Name: "Q2 report", Type: "report", URLString: "https://console.example.com/reports/3"}}
	e.HTTPRequest = &HTTPRequest{HTTPMethod: "GET", URL: &URL{URLString: "https://console.example.com/reports/3", Scheme: "https", Hostname: "console.example.com", Path: "/reports/3", Port: 443}}
	e.HTTPResponse = &HTTPResponse{Code: 200, ContentType: "text/csv"}
	e.SrcEndpoint = &NetworkEndpoint{IP: "198.51.100.7"}
	evs = append(evs, e)

	e = New(ClassAPIActivity, APIActivityCreate, testTime)
	e.Status = StatusSuccess
	e.Metadata = testMetadata("evt-6003")
	e.Actor = &Actor{User: &User{UID: "u-1", Name: "alice"}, Session: &Session{UID: "tok-1"}}
	e.API = &API{
		Operation: "repos.create",
		Service:   &Service{Name: "REST API"},
		Request:   &APIRequest{UID: "req-77", Flags: []string{"dry_run"}},
		Response:  &APIResponse{Code: 201, Message: "Created"},
	}
	e.SrcEndpoint = &NetworkEndpoint{IP: "203.0.113.5", Port: 443}
	e.Resources = []ResourceDetails{{UID: "repo-2", Name: "new-repo", Type: "repository"}}
	e.HTTPRequest = &HTTPRequest{HTTPMethod: "POST", HTTPHeaders: []HTTPHeader{{Name: "X-Empty", Value: ""}}}
	e.RawData = `{"action":"repo.create"}`
	evs = append(evs, e)

	return evs
}

// authorizeSessionEvent is a valid 3003 event (just one of privileges and
// group).
func authorizeSessionEvent() Event {
	e := New(ClassAuthorizeSession, AuthorizeSessionAssignPrivileges, testTime)
	e.Metadata = testMetadata("evt-3003")
	e.User = &User{UID: "u-42"}
	e.Session = &Session{UID: "s-9", Issuer: "idp.example.com"}
	e.Privileges = []string{"SeDebugPrivilege"}
	return e
}

// otherActivityEvent is a valid event whose activity is Other.
func otherActivityEvent() Event {
	e := New(ClassAccountChange, ActivityOther, testTime)
	e.ActivityLabel = "Rename"
	e.Status = StatusOther
	e.StatusLabel = "Partial"
	e.Metadata = testMetadata("evt-other")
	e.User = &User{UID: "u-42"}
	return e
}

// fullEvent sets every field of the model (not a valid event: no class has
// all these attributes).
func fullEvent() Event {
	e := New(ClassAuthentication, AuthenticationLogon, testTime)
	e.Status = StatusFailure
	e.StatusCode = "E401"
	e.StatusDetail = "wrong password"
	e.TimezoneOffset = ptr(120)
	e.Message = "login failed"
	e.Count = 2
	e.Metadata = Metadata{
		Version: DefaultVersion, UID: "m-uid", CorrelationUID: "corr-1", EventCode: "user.login",
		LogName: "audit", LogProvider: "Example API", OriginalTime: "2024-06-12T17:23:29.419Z",
		TenantUID: "tenant-1",
		Product: Product{Name: "Example Console", VendorName: "Example Vendor", Version: "1.0.0",
			UID: "prod-1", URLString: "https://example.com", Lang: "en"},
		Profiles: []string{"host"}, Labels: []string{"a", "b"}, Sequence: 7,
		LoggedTime: 1718213009500, ModifiedTime: 1718213009600, ProcessedTime: 1718213009700,
	}
	user := &User{UID: "u-1", Name: "alice", EmailAddr: "alice@example.com", FullName: "Alice A.",
		Domain: "example", Type: "Admin", TypeID: 2, UIDAlt: "alice-alt", CredentialUID: "key-1",
		Org:     &Organization{UID: "o-1", Name: "Org", OUName: "Eng", OUUID: "ou-1"},
		Groups:  []Group{{UID: "g-1", Name: "admins", Type: "team", Desc: "Admins", Domain: "example", Privileges: []string{"all"}}},
		Account: &Account{UID: "a-1", Name: "alice-acct", Type: "AWS IAM User", TypeID: 3},
	}
	session := &Session{UID: "s-1", UIDAlt: "s-alt", Issuer: "idp", CreatedTime: 1718213000000,
		ExpirationTime: 1718216600000, IsRemote: ptr(true), IsMFA: ptr(true), CredentialUID: "cred-1"}
	e.Actor = &Actor{User: user, Session: session, InvokedBy: "cli", IDP: &IDP{UID: "idp-1", Name: "Okta"}}
	e.User = &User{UID: "u-2", Name: "bob"}
	e.UserResult = &User{UID: "u-2", Name: "robert"}
	e.SrcEndpoint = &NetworkEndpoint{UID: "ep-1", Name: "laptop", IP: "192.0.2.1", Port: 50000,
		Hostname: "laptop.example.com", Domain: "example.com", SvcName: "ssh", Type: "Laptop", TypeID: 3,
		InstanceUID: "i-123",
		Location: &Location{City: "Berlin", Continent: "Europe", Country: "DE", Region: "BE",
			PostalCode: "10115", Coordinates: []float64{13.4, 52.52}, ISP: "Example ISP", Desc: "office"}}
	e.DstEndpoint = &NetworkEndpoint{IP: "198.51.100.1", Port: 443}
	e.Service = &Service{UID: "svc-1", Name: "Console", Version: "2", Labels: []string{"prod"}}
	e.Session = session
	e.AuthProtocolID, e.AuthProtocol = 5, "SAML"
	e.LogonTypeID, e.LogonType = 3, "Network"
	e.IsRemote, e.IsMFA = ptr(true), ptr(false)
	e.Entity = &ManagedEntity{UID: "ent-1", Name: "policy", Type: "Policy", Version: "1", Data: map[string]any{"k": "v"}}
	e.EntityResult = &ManagedEntity{UID: "ent-1", Name: "policy2"}
	e.API = &API{Operation: "Create", Version: "v1", Service: &Service{Name: "api"},
		Request:  &APIRequest{UID: "r-1", Data: map[string]any{"q": 1.0}, Flags: []string{"f"}},
		Response: &APIResponse{Code: 200, Error: "none", ErrorMessage: "no error", Message: "OK", Data: []any{"x"}, Flags: []string{"g"}},
		Group:    &Group{Name: "api-group"}}
	e.HTTPRequest = &HTTPRequest{HTTPMethod: "GET",
		URL: &URL{URLString: "https://h.example.com:8443/p?q=1", Scheme: "https", Hostname: "h.example.com",
			Port: 8443, Path: "/p", QueryString: "q=1", Subdomain: "h"},
		UserAgent: "curl/8", Version: "1.1", UID: "req-1", Referrer: "https://ref.example.com", Args: "q=1",
		Length: 12, XForwardedFor: []string{"192.0.2.9"}, HTTPHeaders: []HTTPHeader{{Name: "Accept", Value: "*/*"}}}
	e.HTTPResponse = &HTTPResponse{Code: 401, Message: "Unauthorized", Status: "Unauthorized",
		ContentType: "application/json", Length: 42, Latency: 13, HTTPHeaders: []HTTPHeader{{Name: "X-Empty", Value: ""}}}
	e.WebResources = []WebResource{{UID: "w-1", Name: "doc", Type: "file", Desc: "a doc", URLString: "https://x.example.com/doc",
		Data: map[string]any{"size": 3.0}, Labels: []string{"l"}}}
	e.Group = &Group{UID: "g-2", Name: "ops"}
	e.Privileges = []string{"read", "write"}
	e.Resource = &ResourceDetails{UID: "res-0", Name: "r0"}
	e.Resources = []ResourceDetails{{UID: "res-1", Name: "r1", Type: "bucket", Version: "3", Namespace: "ns",
		Data: map[string]any{"a": true}, Labels: []string{"x"}, Owner: &User{UID: "u-3"}, Group: &Group{UID: "g-3"}}}
	e.Unmapped = map[string]any{"vendor_field": "v", "nested": map[string]any{"n": 1.0}}
	e.RawData = `{"raw":true}`
	return e
}
