package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Plain walks s the way a user's first loop does: one page after the
// other with hc, each page decoded into map[string]any, each record
// written to w as one JSON line. It returns how many records it wrote.
func Plain(ctx context.Context, s *Server, hc *http.Client, w io.Writer) (int, error) {
	p := &plain{ctx: ctx, hc: hc, s: s, w: bufio.NewWriter(w)}
	var err error
	switch s.Vendor {
	case "automox":
		err = p.automox()
	case "cisco":
		err = p.cisco()
	case "entrust":
		err = p.entrust()
	case "instavm":
		err = p.instavm()
	case "nprinting":
		err = p.nprinting()
	case "tanium":
		err = p.tanium()
	default:
		err = fmt.Errorf("bench: no plain loop for %q", s.Vendor)
	}
	if err == nil {
		err = p.w.Flush()
	}
	return p.n, err
}

// plainPage is the size of the baseline's pages.
const plainPage = 100

type plain struct {
	ctx context.Context
	hc  *http.Client
	s   *Server
	w   *bufio.Writer
	n   int
}

// get sends a request (a JSON body when body is not nil), checks for a 200
// and decodes the response into out.
func (p *plain) get(method, u string, body any, out any, headers ...string) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(p.ctx, method, u, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := p.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %s", method, u, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// write writes each record as one JSON line.
func (p *plain) write(recs []map[string]any) error {
	for _, r := range recs {
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		p.w.Write(b)
		p.w.WriteByte('\n')
		p.n++
	}
	return nil
}

func (p *plain) setting(name string) string { return p.s.Settings[name] }

// automox reads each UTC day of the window, following the cursor (the last
// record's id) within the day until a page is short.
func (p *plain) automox() error {
	auth := "Bearer " + p.setting("api_key")
	for day := p.s.Since; day.Before(p.s.Until); day = day.Add(24 * time.Hour) {
		cursor := ""
		for {
			q := url.Values{"date": {day.Format(time.DateOnly)}, "limit": {strconv.Itoa(plainPage)}}
			if cursor != "" {
				q.Set("cursor", cursor)
			}
			var page []map[string]any
			u := p.s.BaseURL + "/api/audit-service/v1/orgs/" + p.setting("org_uuid") + "/events?" + q.Encode()
			if err := p.get("GET", u, nil, &page, "Authorization", auth); err != nil {
				return err
			}
			if err := p.write(page); err != nil {
				return err
			}
			if len(page) < plainPage {
				break
			}
			cursor = automoxID(page[len(page)-1])
		}
	}
	return nil
}

// automoxID is a record's id: "_id" as {"$oid": ...} or a string, or "id".
func automoxID(r map[string]any) string {
	switch id := r["_id"].(type) {
	case string:
		return id
	case map[string]any:
		if s, ok := id["$oid"].(string); ok {
			return s
		}
	}
	s, _ := r["id"].(string)
	return s
}

// cisco follows the absolute next links.
func (p *plain) cisco() error {
	link := p.s.BaseURL + "/v1/audit_logs?limit=" + strconv.Itoa(plainPage)
	for link != "" {
		var page struct {
			Data     []map[string]any
			Metadata struct{ Links struct{ Next string } }
		}
		req := []string{"Authorization", "Basic " + basic(p.setting("client_id"), p.setting("api_key"))}
		if err := p.get("GET", link, nil, &page, req...); err != nil {
			return err
		}
		if err := p.write(page.Data); err != nil {
			return err
		}
		link = page.Metadata.Links.Next
	}
	return nil
}

// entrust authenticates, then follows the body cursors, oldest first.
func (p *plain) entrust() error {
	var auth struct{ AuthToken string }
	if err := p.get("POST", p.s.BaseURL+"/api/web/v1/adminapi/authenticate", map[string]any{
		"applicationId": p.setting("application_id"), "sharedSecret": p.setting("shared_secret"), "enableWebSession": false,
	}, &auth); err != nil {
		return err
	}
	body := map[string]any{"limit": plainPage, "orderByAttribute": map[string]any{"name": "eventTime", "ascending": true},
		"searchByAttributes": []any{map[string]string{"name": "eventTime", "operator": "LESS_THAN_OR_EQUAL", "value": "2100-01-01T00:00:00"}}}
	for {
		var page struct {
			Results []map[string]any
			Paging  struct{ NextCursor *string }
		}
		if err := p.get("POST", p.s.BaseURL+"/api/web/v2/reports/auditeventspaged", body, &page, "Authorization", auth.AuthToken); err != nil {
			return err
		}
		if err := p.write(page.Results); err != nil {
			return err
		}
		if page.Paging.NextCursor == nil || len(page.Results) == 0 {
			return nil
		}
		body = map[string]any{"limit": plainPage, "cursor": *page.Paging.NextCursor}
	}
}

// instavm follows next_cursor.
func (p *plain) instavm() error {
	q := url.Values{"limit": {strconv.Itoa(plainPage)}}
	for {
		var page struct {
			Items      []map[string]any
			NextCursor *string `json:"next_cursor"`
		}
		if err := p.get("GET", p.s.BaseURL+"/v1/audit/events?"+q.Encode(), nil, &page, "X-API-Key", p.setting("api_key")); err != nil {
			return err
		}
		if err := p.write(page.Items); err != nil {
			return err
		}
		if page.NextCursor == nil {
			return nil
		}
		q.Set("cursor", *page.NextCursor)
	}
}

// nprinting steps the offset until the total.
func (p *plain) nprinting() error {
	for offset := 0; ; offset += plainPage {
		var page struct {
			Data struct {
				Items      []map[string]any
				TotalItems int
			}
		}
		u := p.s.BaseURL + "/api/v1/audit/events?limit=" + strconv.Itoa(plainPage) + "&offset=" + strconv.Itoa(offset)
		if err := p.get("GET", u, nil, &page, "Authorization", "Bearer "+p.setting("token")); err != nil {
			return err
		}
		if err := p.write(page.Data.Items); err != nil {
			return err
		}
		if offset+plainPage >= page.Data.TotalItems || len(page.Data.Items) == 0 {
			return nil
		}
	}
}

// tanium reads each object's history, 100 entries deep, and once more
// deeper (1,000) when it came back full.
func (p *plain) tanium() error {
	for _, obj := range strings.Split(p.setting("objects"), ",") {
		typ, id, _ := strings.Cut(obj, ":")
		for size := plainPage; ; size = 1000 {
			var page struct {
				Data struct{ Entries []map[string]any }
			}
			u := p.s.BaseURL + "/api/v2/audit_logs/" + typ + "s/" + id
			if err := p.get("GET", u, nil, &page, "session", "token-"+strings.TrimPrefix(p.setting("token"), "token-"),
				"tanium-options", `{"audit_history_size":`+strconv.Itoa(size)+`}`); err != nil {
				return err
			}
			if len(page.Data.Entries) < size || size == 1000 {
				if err := p.write(page.Data.Entries); err != nil {
					return err
				}
				break
			}
		}
	}
	return nil
}

// basic is the value of HTTP Basic credentials.
func basic(user, pass string) string {
	return base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
}
