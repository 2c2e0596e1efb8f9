package fakespotify

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestRedirectProblem(t *testing.T) {
	registered := []string{"http://127.0.0.1/callback", "http://127.0.0.1:8974/exact", "http://[::1]/v6", "https://example.com/cb", "spotray://callback"}
	tests := []struct {
		uri, want string
	}{
		{"http://127.0.0.1/callback", ""},
		{"http://127.0.0.1:8974/callback", ""},
		{"http://127.0.0.1:50123/callback", ""},
		{"http://127.0.0.1:8974/callback/", pageInvalidRedirect},
		{"http://127.0.0.1:8974/Callback", pageInvalidRedirect},
		{"http://127.0.0.1:8974/callback?x=1", pageInvalidRedirect},
		{"https://127.0.0.1:8974/callback", pageInvalidRedirect},
		{"http://127.0.0.1:8974/exact", ""},
		{"http://127.0.0.1:8975/exact", pageInvalidRedirect},
		{"http://127.0.0.1/exact", pageInvalidRedirect},
		{"http://[::1]:9000/v6", ""},
		{"http://127.0.0.1:9000/v6", pageInvalidRedirect},
		{"http://localhost:8974/callback", pageInsecure},
		{"https://localhost/callback", pageInsecure},
		{"http://LOCALHOST:8974/callback", pageInsecure},
		{"http://example.com/cb", pageInsecure},
		{"http://192.168.1.2:8974/callback", pageInsecure},
		{"https://example.com/cb", ""},
		{"https://example.com:444/cb", pageInvalidRedirect},
		{"spotray://callback", ""},
		{"", pageInvalidRedirect},
		{"/callback", pageInvalidRedirect},
		{"http://127.0.0.1:8974/callback#frag", pageInvalidRedirect},
	}
	for _, tt := range tests {
		if got := redirectProblem(registered, tt.uri); got != tt.want {
			t.Errorf("redirectProblem(%q) = %q, want %q", tt.uri, got, tt.want)
		}
	}
}

func TestAuthorize(t *testing.T) {
	s := NewTestServer(t, Options{Apps: testApps(), AutoApprove: true})
	with := func(clientID, redirect string, edit func(url.Values)) url.Values {
		q := pkceQuery(clientID, redirect)
		if edit != nil {
			edit(q)
		}
		return q
	}
	tests := []struct {
		name     string
		q        url.Values
		page     string // expected error page text; "" means a redirect
		redirect string // expected redirect prefix
		err      string // expected error parameter in the redirect
	}{
		{name: "any port on portless loopback", q: with(DefaultClientID, "http://127.0.0.1:43117/callback", nil), redirect: "http://127.0.0.1:43117/callback?"},
		{name: "no port", q: with(DefaultClientID, "http://127.0.0.1/callback", nil), redirect: "http://127.0.0.1/callback?"},
		{name: "ipv6 loopback any port", q: with(DefaultClientID, "http://[::1]:8080/callback", nil), redirect: "http://[::1]:8080/callback?"},
		{name: "exact with port", q: with(secretID, exactURI, func(q url.Values) { q.Del("code_challenge"); q.Del("code_challenge_method") }), redirect: exactURI + "?"},
		{name: "registered port is binding", q: with(secretID, "http://127.0.0.1:8975/cb", nil), page: pageInvalidRedirect},
		{name: "unknown client", q: with("ffffffffffffffffffffffffffffffff", DefaultRedirectURI, nil), page: pageInvalidClient},
		{name: "missing client", q: with("", DefaultRedirectURI, nil), page: pageInvalidClient},
		{name: "path mismatch", q: with(DefaultClientID, "http://127.0.0.1:8974/cb", nil), page: pageInvalidRedirect},
		{name: "trailing slash", q: with(DefaultClientID, "http://127.0.0.1:8974/callback/", nil), page: pageInvalidRedirect},
		{name: "localhost", q: with(DefaultClientID, "http://localhost:8974/callback", nil), page: pageInsecure},
		{name: "non-loopback http", q: with(DefaultClientID, "http://example.com/cb", nil), page: pageInsecure},
		{name: "wrong response_type", q: with(DefaultClientID, DefaultRedirectURI, func(q url.Values) { q.Set("response_type", "token") }), redirect: DefaultRedirectURI, err: "unsupported_response_type"},
		{name: "unknown scope", q: with(DefaultClientID, DefaultRedirectURI, func(q url.Values) { q.Set("scope", "user-read-currently-playing read-minds") }), redirect: DefaultRedirectURI, err: "invalid_scope"},
		{name: "PKCE required without secret", q: with(DefaultClientID, DefaultRedirectURI, func(q url.Values) { q.Del("code_challenge"); q.Del("code_challenge_method") }), redirect: DefaultRedirectURI, err: "invalid_request"},
		{name: "plain PKCE refused", q: with(DefaultClientID, DefaultRedirectURI, func(q url.Values) { q.Set("code_challenge_method", "plain") }), redirect: DefaultRedirectURI, err: "invalid_request"},
		{name: "malformed challenge", q: with(DefaultClientID, DefaultRedirectURI, func(q url.Values) { q.Set("code_challenge", "short") }), redirect: DefaultRedirectURI, err: "invalid_request"},
		{name: "show_dialog accepted", q: with(DefaultClientID, DefaultRedirectURI, func(q url.Values) { q.Set("show_dialog", "true") }), redirect: DefaultRedirectURI},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, loc, body := get(t, s.URL()+"/authorize?"+tt.q.Encode(), nil)
			if tt.page != "" {
				if status != http.StatusBadRequest || !strings.Contains(body, tt.page) {
					t.Fatalf("got %d %q, want 400 page with %q", status, body, tt.page)
				}
				return
			}
			if status != http.StatusFound || !strings.HasPrefix(loc, tt.redirect) {
				t.Fatalf("got %d Location %q, want 302 to %s", status, loc, tt.redirect)
			}
			u, err := url.Parse(loc)
			if err != nil {
				t.Fatal(err)
			}
			q := u.Query()
			if q.Get("state") != "st4te" {
				t.Errorf("state = %q, want st4te", q.Get("state"))
			}
			if q.Get("error") != tt.err {
				t.Errorf("error = %q, want %q", q.Get("error"), tt.err)
			}
			if tt.err == "" && q.Get("code") == "" {
				t.Error("no code")
			}
			if got := s.LastAuthorize(); got.Encode() != tt.q.Encode() {
				t.Errorf("LastAuthorize = %v, want %v", got, tt.q)
			}
		})
	}
}

var requestField = regexp.MustCompile(`name="request" value="([^"]+)"`)

// consent GETs /authorize and expects the consent page; it returns the form's
// request id.
func consent(t *testing.T, s *Server, q url.Values) string {
	t.Helper()
	status, _, body := get(t, s.URL()+"/authorize?"+q.Encode(), nil)
	if status != http.StatusOK {
		t.Fatalf("authorize: %d %s", status, body)
	}
	for _, want := range []string{`id="agree"`, `id="cancel"`, "spotray-demo", "Read your currently playing content", `<form method="post" action="/authorize/accept">`} {
		if !strings.Contains(body, want) {
			t.Errorf("consent page lacks %q:\n%s", want, body)
		}
	}
	m := requestField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no request field:\n%s", body)
	}
	return m[1]
}

func decide(t *testing.T, s *Server, id, action string) (int, url.Values) {
	t.Helper()
	resp, err := noRedirect.PostForm(s.URL()+"/authorize/accept", url.Values{"request": {id}, "action": {action}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	u, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, u.Query()
}

func TestConsentPage(t *testing.T) {
	s := NewTestServer(t, Options{})
	q := pkceQuery(DefaultClientID, "http://127.0.0.1:8974/callback")

	id := consent(t, s, q)
	if status, back := decide(t, s, id, "cancel"); status != http.StatusFound || back.Get("error") != "access_denied" || back.Get("state") != "st4te" || back.Has("code") {
		t.Fatalf("cancel: %d %v", status, back)
	}

	id = consent(t, s, q)
	status, back := decide(t, s, id, "agree")
	if status != http.StatusFound || back.Get("code") == "" || back.Get("state") != "st4te" {
		t.Fatalf("agree: %d %v", status, back)
	}
	if status, _ := decide(t, s, id, "agree"); status != http.StatusBadRequest {
		t.Errorf("second use of a consent form: %d, want 400", status)
	}

	// Consent is remembered unless show_dialog=true, as on Spotify.
	if back := authorize(t, s, q); back.Get("code") == "" {
		t.Errorf("remembered consent: %v", back)
	}
	q.Set("show_dialog", "true")
	consent(t, s, q)
	if got := s.LastAuthorize().Get("show_dialog"); got != "true" {
		t.Errorf("LastAuthorize show_dialog = %q", got)
	}
	// More scopes than agreed to ask again.
	q.Del("show_dialog")
	q.Set("scope", defaultScope+" user-read-private")
	consent(t, s, q)
}
