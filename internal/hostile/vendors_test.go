package hostile

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/auditkit/auditkit/auditclient"
	"github.com/auditkit/auditkit/automox"
	"github.com/auditkit/auditkit/cisco"
	"github.com/auditkit/auditkit/entrust"
	"github.com/auditkit/auditkit/instavm"
	"github.com/auditkit/auditkit/nprinting"
	"github.com/auditkit/auditkit/tanium"
)

// The credentials of the suite: distinctive strings that occur nowhere
// else, so that finding one in an error or a log line is a leak.
const (
	automoxKey     = "AMXKEYq7Zr4sEcReT91"
	automoxOrg     = "3f1c2b7a-9a0e-4c5e-8d21-1b2a3c4d5e6f"
	ciscoClientID  = "CSCIDx3Vq8SeCrEt42"
	ciscoAPIKey    = "CSCKEYw9Tn2SeCrEt77"
	entrustAppID   = "ENTAPPm5Hs1SeCrEt08"
	entrustSecret  = "ENTSHRk2Lp6SeCrEt55"
	entrustToken   = "ENTTOKj8Gd3SeCrEt61"
	instavmKey     = "IVMKEYp4Wc9SeCrEt13"
	nprintingToken = "NPRJWTe6Bx5SeCrEt29"
	taniumToken    = "TANTOKr1Yf7SeCrEt86"
)

// vendor adapts one vendor client to the suite: how to start a walk, what
// its authentication endpoint answers (if it has one), and the bodies its
// data endpoint expects and the hostile variants of them.
type vendor struct {
	name string
	// secrets are the credentials the client holds (and, for Entrust, the
	// token its authentication returns): none may leak.
	secrets []string
	// events starts a walk over the window of the records below with the
	// suite's options.
	events func(ctx context.Context, opts []auditclient.Option) (auditclient.Iterator, error)
	// isAuth tells the authentication request (Entrust's authenticate)
	// from the data requests; nil when every request is a data request.
	isAuth func(r *http.Request) bool
	// auth answers the authentication request.
	auth func(w http.ResponseWriter, r *http.Request)
	// records is the number of records in good.
	records int
	// goodRequests is the number of data requests a walk over good makes:
	// 1, or 2 for Automox, whose full page (Limit 2) asks for the next,
	// empty one.
	goodRequests int64
	// good is the complete answer of the data endpoint to r: the two
	// records of the window, on the last page.
	good func(r *http.Request) []byte
	// prefix is the start of a body, up to and including the opening
	// bracket of the records array, for the streamed huge body.
	prefix string
	// wrongArray has an object where the records array belongs;
	// wrongNumber a string where the document has a number (Entrust's
	// records have no number: there a number where a string belongs).
	wrongArray, wrongNumber string
	// endless, when set, answers the n-th (1-based) data request of a
	// walk that never ends: a new next link, cursor or offset each time,
	// with the same records, or with no record when empty. ok is false
	// when the vendor has no such walk (Automox's cursor is the last
	// record's id, so it cannot change with the same records and an empty
	// page ends the day; Tanium does not page).
	endless func(base string, n int, empty bool) (body []byte, ok bool)
}

// vendors returns the six adapters.
func vendors() []*vendor {
	return []*vendor{automoxVendor(), ciscoVendor(), entrustVendor(), instavmVendor(), nprintingVendor(), taniumVendor()}
}

// day parses a YYYY-MM-DD as midnight UTC.
func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func automoxVendor() *vendor {
	rec := func(id string, ms int64) string {
		return `{"_id":{"$oid":"` + id + `"},"activity":"Logon","activity_id":1,"category_uid":3,"class_uid":3002,` +
			`"type_uid":300201,"type_name":"Authentication: Logon","message":"User Log In Success","time":` + strconv.FormatInt(ms, 10) + `,` +
			`"severity_id":1,"status":"Success","status_id":1,"status_code":200,` +
			`"actor":{"user":{"uid":"115998","email_addr":"jdoe@example.com"}},"user":{"uid":"115998","email_addr":"jdoe@example.com"}}`
	}
	// 2024-06-12T17:23:29.419Z and a second later.
	records := "[" + rec("6669d991ba9a2536b8158f17", 1718213009419) + "," + rec("6669d991ba9a2536b8158f18", 1718213010419) + "]"
	return &vendor{
		name:    "automox",
		secrets: []string{automoxKey},
		events: func(ctx context.Context, opts []auditclient.Option) (auditclient.Iterator, error) {
			c, err := automox.NewClient(automoxKey, automoxOrg, opts...)
			if err != nil {
				return nil, err
			}
			// One day, one page at a time: the request counts are exact.
			return c.Events(ctx, &automox.ListOptions{Date: day("2024-06-12"), PageSize: 2, Concurrency: 1}, nil), nil
		},
		records:      2,
		goodRequests: 2,
		// The page after the last record (PageSize 2 makes the page full,
		// so the walk asks for the next) is empty.
		good: func(r *http.Request) []byte {
			if q := r.URL.Query(); q.Get("date") != "2024-06-12" || q.Get("cursor") != "" {
				return []byte("[]")
			}
			return []byte(records)
		},
		prefix:      "[",
		wrongArray:  `{"data":` + records + `}`,
		wrongNumber: strings.Replace(records, "1718213009419", `"yesterday at noon"`, 1),
		endless: func(_ string, _ int, empty bool) ([]byte, bool) {
			if empty {
				return nil, false
			}
			// A full page (Limit 2) of the same records, again and again.
			return []byte(records), true
		},
	}
}

func ciscoVendor() *vendor {
	rec := func(at, name string) string {
		return `{"event":"update","audit_log_type":"Computer","audit_log_id":"16db5cf986eec6f44422",` +
			`"audit_log_user":"admin@example.com","created_at":"` + at + `",` +
			`"old_attributes":{"name":null},"new_attributes":{"name":"` + name + `"}}`
	}
	data := "[" + rec("2022-03-18T11:40:03Z", "Demo_One") + "," + rec("2022-03-18T11:41:03Z", "Demo_Two") + "]"
	page := func(data, next string, total int) string {
		links := `{"self":"https://api.amp.cisco.com/v1/audit_logs"}`
		if next != "" {
			links = `{"self":"https://api.amp.cisco.com/v1/audit_logs","next":"` + next + `"}`
		}
		return `{"version":"v1.2.0","metadata":{"links":` + links + `,"results":{"total":` + strconv.Itoa(total) +
			`,"current_item_count":2,"index":0,"items_per_page":2}},"data":` + data + `}`
	}
	return &vendor{
		name:    "cisco",
		secrets: []string{ciscoClientID, ciscoAPIKey},
		events: func(ctx context.Context, opts []auditclient.Option) (auditclient.Iterator, error) {
			c, err := cisco.NewClient(ciscoClientID, ciscoAPIKey, opts...)
			if err != nil {
				return nil, err
			}
			return c.Events(ctx, &cisco.ListOptions{Since: day("2022-03-18"), Until: day("2022-03-19"), PageSize: 2}, nil), nil
		},
		records:      2,
		goodRequests: 1,
		good:         func(*http.Request) []byte { return []byte(page(data, "", 2)) },
		prefix:       `{"version":"v1.2.0","metadata":{"links":{"self":"x"},"results":{"total":2}},"data":[`,
		wrongArray:   page(`{"items":`+data+`}`, "", 2),
		wrongNumber:  strings.Replace(page(data, "", 2), `"total":2`, `"total":"two"`, 1),
		endless: func(base string, n int, empty bool) ([]byte, bool) {
			next := base + "/v1/audit_logs?limit=2&offset=" + strconv.Itoa(2*n)
			if empty {
				return []byte(page("[]", next, 1000)), true
			}
			return []byte(page(data, next, 1_000_000_000)), true
		},
	}
}

func entrustVendor() *vendor {
	rec := func(id, at, outcome string) string {
		return `{"id":"` + id + `","eventTime":"` + at + `","eventCategory":"AUTHENTICATION","eventOutcome":"` + outcome + `",` +
			`"eventType":"AuthenticationDeniedEvent","eventVersion":"1","message":"authentication.denied.invalid.password",` +
			`"accountId":"a6d1c2b3-4e5f-4a7b-8c9d-0e1f2a3b4c5d","subject":"5b7d9f11-2c3e-4f5a-8b6c-7d8e9f0a1b2c",` +
			`"subjectName":"jdoe","sourceIp":"203.0.113.17","resourceId":"c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f","resourceName":"Corporate VPN"}`
	}
	results := "[" + rec("0f6b2b0e-7d7a-4a6e-9a55-2f3c1d0e9b71", "2024-06-01T00:05:12.345Z", "FAIL") + "," +
		rec("7e2a4c6d-8f0b-4d1e-a3c5-e7f9a1b3c5d7", "2024-06-01T00:07:40.001Z", "SUCCESS") + "]"
	page := func(results, next string) string {
		cur := "null"
		if next != "" {
			cur = `"` + next + `"`
		}
		return `{"results":` + results + `,"paging":{"nextCursor":` + cur + `}}`
	}
	return &vendor{
		name:    "entrust",
		secrets: []string{entrustSecret, entrustToken},
		events: func(ctx context.Context, opts []auditclient.Option) (auditclient.Iterator, error) {
			c, err := entrust.NewClient("unused.invalid", entrustAppID, entrustSecret, opts...)
			if err != nil {
				return nil, err
			}
			return c.Events(ctx, &entrust.ListOptions{Since: day("2024-06-01"), Until: day("2024-06-02"), PageSize: 2}, nil), nil
		},
		isAuth: func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/adminapi/authenticate") },
		auth: func(w http.ResponseWriter, _ *http.Request) {
			now := time.Now().UTC()
			writeJSON(w, http.StatusOK, []byte(`{"authToken":"`+entrustToken+`","creationTime":"`+now.Format(time.RFC3339)+
				`","expirationTime":"`+now.Add(15*time.Minute).Format(time.RFC3339)+`"}`))
		},
		records:      2,
		goodRequests: 1,
		good:         func(*http.Request) []byte { return []byte(page(results, "")) },
		prefix:       `{"paging":{"nextCursor":null},"results":[`,
		wrongArray:   page(`{"events":`+results+`}`, ""),
		wrongNumber:  strings.Replace(page(results, ""), `"2024-06-01T00:05:12.345Z"`, `1717200312345`, 1),
		endless: func(_ string, n int, empty bool) ([]byte, bool) {
			next := fmt.Sprintf("eyJwYWdlIjo%dfQ==", n)
			if empty {
				return []byte(page("[]", next)), true
			}
			return []byte(page(results, next)), true
		},
	}
}

func instavmVendor() *vendor {
	rec := func(id, at string) string {
		return `{"id":"` + id + `","created_at":"` + at + `","user_id":4821,"actor_type":"api_key","actor_id":"key_7f3c",` +
			`"source":"api","event_group":"vm","event_type":"vm.create","status":"success","resource_type":"vm",` +
			`"resource_id":"vm_9a8b7c6d","session_id":null,"vm_id":"vm_9a8b7c6d","task_id":null,` +
			`"request_id":"req_5e4d3c2b1a","correlation_id":null,"http_method":"POST"}`
	}
	items := "[" + rec("aud_01HZX3K9Q2M7R8T5V6W4Y1Z0AB", "2025-05-14T08:31:12.482Z") + "," +
		rec("aud_01HZX3M1A4B5C6D7E8F9G0H1JK", "2025-05-14T08:33:40.019Z") + "]"
	page := func(items, next string) string {
		cur := "null"
		if next != "" {
			cur = `"` + next + `"`
		}
		return `{"items":` + items + `,"next_cursor":` + cur + `}`
	}
	return &vendor{
		name:    "instavm",
		secrets: []string{instavmKey},
		events: func(ctx context.Context, opts []auditclient.Option) (auditclient.Iterator, error) {
			c, err := instavm.NewClient(instavmKey, opts...)
			if err != nil {
				return nil, err
			}
			return c.Events(ctx, &instavm.ListOptions{Since: day("2025-05-14"), Until: day("2025-05-15"), PageSize: 2}, nil), nil
		},
		records:      2,
		goodRequests: 1,
		good:         func(*http.Request) []byte { return []byte(page(items, "")) },
		prefix:       `{"next_cursor":null,"items":[`,
		wrongArray:   page(`{"data":`+items+`}`, ""),
		wrongNumber:  strings.Replace(page(items, ""), `"user_id":4821`, `"user_id":"forty-eight"`, 1),
		endless: func(_ string, n int, empty bool) ([]byte, bool) {
			next := fmt.Sprintf("eyJpZCI6ImF1ZF8wMU%d", n)
			if empty {
				return []byte(page("[]", next)), true
			}
			return []byte(page(items, next)), true
		},
	}
}

func nprintingVendor() *vendor {
	rec := func(id, at, action string) string {
		return `{"id":"` + id + `","eventTime":"` + at + `","userId":"2d7b9e10-5f3a-4b8c-a1d2-3e4f5a6b7c8d",` +
			`"userName":"CORP\\jsmith","ipAddress":"10.20.30.40","source":"WebConsole","target":"Task",` +
			`"targetId":"91c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e","targetName":"Monthly sales publish",` +
			`"appId":"a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d","action":"` + action + `","description":"Task updated",` +
			`"data":"{}","dataType":"PublishTask"}`
	}
	items := "[" + rec("6f0e5c1a-8a9b-4c7d-9e21-0a1b2c3d4e5f", "2024-03-05T09:14:22.000+00:00", "Update") + "," +
		rec("0b8c7d6e-5f4a-4321-9abc-def012345678", "2024-03-05T09:20:01.000+00:00", "Delete") + "]"
	page := func(items string, total, offset int) string {
		return `{"data":{"totalItems":` + strconv.Itoa(total) + `,"offset":` + strconv.Itoa(offset) + `,"limit":2,"items":` + items + `}}`
	}
	return &vendor{
		name:    "nprinting",
		secrets: []string{nprintingToken},
		events: func(ctx context.Context, opts []auditclient.Option) (auditclient.Iterator, error) {
			c, err := nprinting.NewClient("http://unused.invalid", nprintingToken, opts...)
			if err != nil {
				return nil, err
			}
			return c.Events(ctx, &nprinting.ListOptions{Since: day("2024-03-05"), Until: day("2024-03-06"), PageSize: 2}, nil), nil
		},
		records:      2,
		goodRequests: 1,
		good:         func(*http.Request) []byte { return []byte(page(items, 2, 0)) },
		prefix:       `{"data":{"totalItems":2,"offset":0,"limit":2,"items":[`,
		wrongArray:   page(`{"list":`+items+`}`, 2, 0),
		wrongNumber:  strings.Replace(page(items, 2, 0), `"totalItems":2`, `"totalItems":"two"`, 1),
		endless: func(_ string, n int, empty bool) ([]byte, bool) {
			if empty {
				return []byte(page("[]", 1000, 2*(n-1))), true
			}
			return []byte(page(items, 1_000_000_000, 2*(n-1))), true
		},
	}
}

func taniumVendor() *vendor {
	entry := func(details, modified string) string {
		return `{"object_id":42,"details":"` + details + `","creation_time":"2023-01-01T22:45:02Z",` +
			`"modification_time":"` + modified + `","last_modified_by":"CORP\\admin","modifier_user_id":7,` +
			`"mod_user":{"id":7,"name":"admin","domain":"CORP","display_name":"Admin"},"type":1}`
	}
	entries := "[" + entry("name=Installed Apps", "2023-02-11T09:00:10Z") + "," + entry("name=Running Apps", "2023-02-11T10:00:10Z") + "]"
	body := func(entries string) string {
		return `{"data":{"id":42,"type":"saved_question_audit","start_time":"","end_time":"","entries":` + entries + `}}`
	}
	return &vendor{
		name:    "tanium",
		secrets: []string{taniumToken},
		events: func(ctx context.Context, opts []auditclient.Option) (auditclient.Iterator, error) {
			c, err := tanium.NewClient("https://unused.invalid", taniumToken, opts...)
			if err != nil {
				return nil, err
			}
			return c.Events(ctx, &tanium.ListOptions{
				Objects: []tanium.Object{{Type: tanium.SavedQuestion, ID: "42"}},
				Since:   day("2023-02-11"), Until: day("2023-02-12"),
			}, nil), nil
		},
		records:      2,
		goodRequests: 1,
		good:         func(*http.Request) []byte { return []byte(body(entries)) },
		prefix:       `{"data":{"id":42,"type":"saved_question_audit","entries":[`,
		wrongArray:   body(`{"list":` + entries + `}`),
		wrongNumber:  strings.Replace(body(entries), `"object_id":42`, `"object_id":"forty-two"`, 1),
		endless:      func(string, int, bool) ([]byte, bool) { return nil, false },
	}
}
