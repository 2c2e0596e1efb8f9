package fakespotify

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// fresh is a client with a new connection per request, so a reset
// connection is not retried on another one.
var fresh = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

// do runs req on fresh and returns the status and body, or the error.
func do(req *http.Request) (int, http.Header, string, error) {
	resp, err := fresh.Do(req)
	if err != nil {
		return 0, nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b), err
}

func apiRequest(t *testing.T, ctx context.Context, s *Server, tok string) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL()+cpPath+"?additional_types=episode", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = bearer(tok)
	return req
}

func tokenRequest(t *testing.T, s *Server, form url.Values) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL()+"/api/token", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

func TestAPIFaults(t *testing.T) {
	s := NewTestServer(t, Options{})
	tok, err := s.Grant(DefaultClientID, "")
	if err != nil {
		t.Fatal(err)
	}
	s.SetCurrentlyPlaying(Fixture(FixtureTrack))
	tests := []struct {
		name   string
		fault  Fault
		status int
		check  func(t *testing.T, h http.Header, body string, err error)
	}{
		{"500", Fault{Kind: FaultStatus, Status: 500}, 500, wantAPIError(500, "Internal Server Error", "")},
		{"502", Fault{Kind: FaultStatus, Status: 502}, 502, wantAPIError(502, "Bad Gateway", "")},
		{"503 default", Fault{Kind: FaultStatus}, 503, wantAPIError(503, "Service Unavailable", "")},
		{"403 allow-list", Fault{Kind: FaultStatus, Status: 403, Message: "User not registered in the Developer Dashboard"}, 403,
			wantAPIError(403, "User not registered in the Developer Dashboard", "")},
		{"reset", Fault{Kind: FaultReset}, 0, func(t *testing.T, _ http.Header, _ string, err error) {
			if err == nil {
				t.Error("no error from a reset connection")
			}
		}},
		{"truncated", Fault{Kind: FaultTruncatedJSON}, 200, func(t *testing.T, _ http.Header, body string, _ error) {
			if json.Valid([]byte(body)) || body == "" || !strings.HasPrefix(string(Fixture(FixtureTrack)), body) {
				t.Errorf("body %q is not a cut fixture", body)
			}
		}},
		{"malformed", Fault{Kind: FaultMalformedJSON}, 200, func(t *testing.T, _ http.Header, body string, _ error) {
			if json.Valid([]byte(body)) {
				t.Errorf("body %q is valid JSON", body)
			}
		}},
		{"empty", Fault{Kind: FaultEmptyBody}, 200, func(t *testing.T, _ http.Header, body string, _ error) {
			if body != "" {
				t.Errorf("body %q", body)
			}
		}},
		{"429", Fault{Kind: FaultRateLimit, RetryAfter: 2500 * time.Millisecond}, 429, func(t *testing.T, h http.Header, body string, err error) {
			if h.Get("Retry-After") != "3" {
				t.Errorf("Retry-After %q, want 3", h.Get("Retry-After"))
			}
			wantAPIError(429, "API rate limit exceeded", "")(t, h, body, err)
		}},
		{"429 quota", Fault{Kind: FaultRateLimit, RetryAfter: time.Minute, Quota: true}, 429, func(t *testing.T, h http.Header, body string, err error) {
			if h.Get("Retry-After") != "60" {
				t.Errorf("Retry-After %q, want 60", h.Get("Retry-After"))
			}
			if body != `{"error":{"status":429,"message":"Too many requests","reason":"QUOTA_EXCEEDED"}}` {
				t.Errorf("body %s", body)
			}
		}},
		{"401", Fault{Kind: FaultUnauthorized}, 401, wantAPIError(401, msgExpired, "")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.SetAPIFault(tt.fault)
			status, h, body, err := do(apiRequest(t, context.Background(), s, tok.AccessToken))
			if status != tt.status {
				t.Errorf("status %d, want %d (err %v)", status, tt.status, err)
			}
			tt.check(t, h, body, err)
		})
	}
	s.ClearFaults()
	if status, _, _, err := do(apiRequest(t, context.Background(), s, tok.AccessToken)); status != 200 {
		t.Errorf("after ClearFaults: %d %v", status, err)
	}
}

func wantAPIError(status int, msg, reason string) func(*testing.T, http.Header, string, error) {
	return func(t *testing.T, _ http.Header, body string, _ error) {
		t.Helper()
		var e struct{ Error apiErrorBody }
		if err := json.Unmarshal([]byte(body), &e); err != nil {
			t.Fatalf("body %q: %v", body, err)
		}
		if e.Error != (apiErrorBody{Status: status, Message: msg, Reason: reason}) {
			t.Errorf("error %+v, want %d %q %q", e.Error, status, msg, reason)
		}
	}
}

func TestFaultTimes(t *testing.T) {
	s := NewTestServer(t, Options{})
	tok, err := s.Grant(DefaultClientID, "")
	if err != nil {
		t.Fatal(err)
	}
	s.SetAPIFault(Fault{Kind: FaultStatus, Status: 502, Times: 2})
	var got []int
	for range 3 {
		status, _, _, _ := do(apiRequest(t, context.Background(), s, tok.AccessToken))
		got = append(got, status)
	}
	if got[0] != 502 || got[1] != 502 || got[2] != 204 {
		t.Errorf("statuses %v, want 502 502 204", got)
	}
}

// waitRequests waits until path has had n requests: the fault under test
// holds the request, so its arrival is the signal to go on.
func waitRequests(t *testing.T, s *Server, path string, n int) {
	t.Helper()
	for len(s.Requests(path)) < n {
		time.Sleep(time.Millisecond)
	}
}

func TestHang(t *testing.T) {
	s := NewTestServer(t, Options{})
	tok, err := s.Grant(DefaultClientID, "")
	if err != nil {
		t.Fatal(err)
	}
	s.SetAPIFault(Fault{Kind: FaultHang})

	// Released by ClearFaults, then served normally.
	done := make(chan int)
	go func() {
		status, _, _, _ := do(apiRequest(t, context.Background(), s, tok.AccessToken))
		done <- status
	}()
	waitRequests(t, s, cpPath, 1)
	s.ClearFaults()
	if status := <-done; status != 204 {
		t.Errorf("after ClearFaults: %d, want 204", status)
	}

	// Ended by the client's context.
	s.SetAPIFault(Fault{Kind: FaultHang})
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() {
		_, _, _, err := do(apiRequest(t, ctx, s, tok.AccessToken))
		errc <- err
	}()
	waitRequests(t, s, cpPath, 2)
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled request: %v", err)
	}

	// Ended by Close.
	go func() {
		_, _, _, err := do(apiRequest(t, context.Background(), s, tok.AccessToken))
		errc <- err
	}()
	waitRequests(t, s, cpPath, 3)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err == nil {
		t.Error("request hanging at Close succeeded")
	}
}

func TestTokenFaults(t *testing.T) {
	s := NewTestServer(t, Options{AutoApprove: true})
	rt := logIn(t, s)["refresh_token"].(string)

	s.SetTokenFault(Fault{Kind: FaultStatus})
	if status, _, body, err := do(tokenRequest(t, s, refreshForm(rt))); status != 503 || err != nil {
		t.Errorf("token endpoint down: %d %q %v", status, body, err)
	}
	s.SetTokenFault(Fault{Kind: FaultReset})
	if _, _, _, err := do(tokenRequest(t, s, refreshForm(rt))); err == nil {
		t.Error("reset: no error")
	}
	if st := s.Stats(); st.Refreshes != 0 {
		t.Errorf("refreshes during outage: %d", st.Refreshes)
	}

	s.SetTokenFault(Fault{Kind: FaultInvalidGrant, Times: 1})
	status, _, body, err := do(tokenRequest(t, s, refreshForm(rt)))
	if status != 400 || err != nil || body != `{"error":"invalid_grant","error_description":"Refresh token revoked"}` {
		t.Errorf("invalid grant: %d %s %v", status, body, err)
	}
	s.SetTokenFault(Fault{Kind: FaultInvalidGrant, Message: "Refresh token expired"})
	if _, _, body, _ := do(tokenRequest(t, s, refreshForm(rt))); !strings.Contains(body, `"Refresh token expired"`) {
		t.Errorf("invalid grant with message: %s", body)
	}
	// Exchanges go through: the fault is about refreshing.
	if body := logIn(t, s); body["refresh_token"] == nil {
		t.Errorf("exchange during invalid_grant fault: %v", body)
	}

	// The refresh happens, the answer is lost: the rotated token is gone
	// with it, as when a connection dies mid-response.
	s.SetTokenFault(Fault{Kind: FaultTruncatedJSON})
	status, _, body, _ = do(tokenRequest(t, s, refreshForm(rt)))
	if status != 200 || json.Valid([]byte(body)) || !strings.HasPrefix(body, `{"access_token":"BQ`) {
		t.Errorf("truncated: %d %q", status, body)
	}
	if st := s.Stats(); st.Refreshes != 1 {
		t.Errorf("Stats = %+v, want the truncated refresh counted", st)
	}
	s.ClearFaults()
	if status, body := postToken(t, s, refreshForm(rt), "", ""); status != 400 || body["error_description"] != "Refresh token revoked" {
		t.Errorf("after a lost rotation: %d %v", status, body)
	}
}

func TestCloseAndListenAgain(t *testing.T) {
	s := NewTestServer(t, Options{})
	tok, err := s.Grant(DefaultClientID, "")
	if err != nil {
		t.Fatal(err)
	}
	base := s.URL()
	if _, err := s.Listen("127.0.0.1:0"); err == nil {
		t.Error("second Listen while listening succeeded")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s.URL() != "" {
		t.Errorf("URL after Close = %q", s.URL())
	}
	if _, err := fresh.Get(base + "/v1/me"); err == nil {
		t.Fatal("connection accepted after Close")
	}
	again, err := s.Listen(strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	if again != base {
		t.Errorf("URL %q, want %q", again, base)
	}
	if status, _, body := apiGet(t, s, "/v1/me", tok.AccessToken); status != 200 {
		t.Errorf("token after restart: %d %s", status, body)
	}
}
