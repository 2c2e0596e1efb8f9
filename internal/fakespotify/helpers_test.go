package fakespotify

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// Apps most tests register: the default PKCE app plus one with a secret and
// exact redirect URIs.
const (
	secretID     = "0123456789abcdef0123456789abcdef"
	secretSecret = "fedcba9876543210fedcba9876543210"
	verifier     = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk_xyz"
	exactURI     = "http://127.0.0.1:8974/cb"
)

func testApps() []App {
	return []App{
		{ClientID: DefaultClientID, RedirectURIs: []string{DefaultRedirectURI, "http://[::1]/callback", "https://example.com/cb"}},
		{Name: "Secret App", ClientID: secretID, ClientSecret: secretSecret, RedirectURIs: []string{exactURI}},
	}
}

// fakeClock is a settable clock for Options.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 8, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func challenge(v string) string {
	sum := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func pkceQuery(clientID, redirect string) url.Values {
	return url.Values{
		"response_type":         {"code"},
		"client_id":             {clientID},
		"redirect_uri":          {redirect},
		"scope":                 {defaultScope},
		"state":                 {"st4te"},
		"code_challenge_method": {"S256"},
		"code_challenge":        {challenge(verifier)},
	}
}

// get does a GET without following redirects and returns status, Location
// and body.
func get(t *testing.T, rawURL string, header http.Header) (int, string, string) {
	t.Helper()
	status, h, body := fetch(t, rawURL, header)
	return status, h.Get("Location"), body
}

// fetch does a GET without following redirects and returns status, headers
// and body.
func fetch(t *testing.T, rawURL string, header http.Header) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// authorize runs /authorize (the server must auto-approve or remember
// consent) and returns the redirect's query.
func authorize(t *testing.T, s *Server, q url.Values) url.Values {
	t.Helper()
	status, loc, body := get(t, s.URL()+"/authorize?"+q.Encode(), nil)
	if status != http.StatusFound {
		t.Fatalf("authorize: status %d, body %s", status, body)
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

// postToken calls the token endpoint, with HTTP Basic when user is not "".
func postToken(t *testing.T, s *Server, form url.Values, user, pass string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL()+"/api/token", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("token response: %v", err)
	}
	return resp.StatusCode, body
}

// logIn runs the PKCE flow for the default app and returns the token response.
func logIn(t *testing.T, s *Server) map[string]any {
	t.Helper()
	redirect := "http://127.0.0.1:8974/callback"
	code := authorize(t, s, pkceQuery(DefaultClientID, redirect)).Get("code")
	status, body := postToken(t, s, url.Values{
		"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect},
		"client_id": {DefaultClientID}, "code_verifier": {verifier},
	}, "", "")
	if status != http.StatusOK {
		t.Fatalf("exchange: %d %v", status, body)
	}
	return body
}

func refreshForm(rt string) url.Values {
	return url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {DefaultClientID}}
}

func bearer(tok string) http.Header {
	return http.Header{"Authorization": {"Bearer " + tok}}
}

// apiGet calls the Web API with tok and returns status, headers and body.
func apiGet(t *testing.T, s *Server, path, tok string) (int, http.Header, string) {
	t.Helper()
	var header http.Header
	if tok != "" {
		header = bearer(tok)
	}
	return fetch(t, s.URL()+path, header)
}

// errorMessage extracts error.message from a Web API error body.
func errorMessage(t *testing.T, body string) string {
	t.Helper()
	var e struct {
		Error apiErrorBody `json:"error"`
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("error body %q: %v", body, err)
	}
	return e.Error.Message
}
