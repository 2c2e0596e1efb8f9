package login

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/config"
	"github.com/spotray/spotray/internal/fakespotify"
)

// newSetupFlow is a login that starts without a client ID.
func newSetupFlow(t *testing.T) (*flow, *fakespotify.Server) {
	t.Helper()
	fake := fakespotify.NewTestServer(t, fakespotify.Options{AutoApprove: true})
	cfg := testConfig(fake)
	cfg.ClientID = ""
	return newTestFlow(t, cfg), fake
}

func postForm(f *flow, path string, form url.Values, header http.Header) *httptest.ResponseRecorder {
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Origin": {"http://" + f.site.host}}
	for k, v := range header {
		h[k] = v
	}
	return serve(f, http.MethodPost, path, strings.NewReader(form.Encode()), h)
}

func TestSetupPage(t *testing.T) {
	f, _ := newSetupFlow(t)
	if got, want := f.startURL(), "http://127.0.0.1:8974/setup"; got != want {
		t.Errorf("start URL %q, want %q", got, want)
	}
	for _, path := range []string{"/", "/setup"} {
		rec := serve(f, http.MethodGet, path, nil, nil)
		body := rec.Body.String()
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d", path, rec.Code)
		}
		for _, want := range []string{
			"https://developer.spotify.com/dashboard",
			`<code id="uri">http://127.0.0.1/callback</code>`, // port 0 configured: register without a port
			`id="copy"`, "navigator.clipboard",
			`name="form_token" value="` + f.formToken + `"`,
			`pattern="\s*[0-9A-Fa-f]{32}\s*"`,
			`name="client_secret"`,
			f.paths.ConfigFile(),
		} {
			if !strings.Contains(body, want) {
				t.Errorf("GET %s lacks %q", path, want)
			}
		}
		if n := strings.Count(body, "<li>"); n != 3 {
			t.Errorf("%d dashboard steps, want 3", n)
		}
		csp := rec.Header().Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "script-src 'nonce-") ||
			!strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("CSP %q", csp)
		}
		if rec.Header().Get("Referrer-Policy") != "same-origin" || rec.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("headers %v", rec.Header())
		}
	}
}

func TestSetupSave(t *testing.T) {
	f, fake := newSetupFlow(t)
	rec := postForm(f, "/setup", url.Values{
		"form_token": {f.formToken}, "client_id": {"  " + fakespotify.DefaultClientID + "\n"}, "client_secret": {""},
	}, nil)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("POST: %d\n%s", rec.Code, rec.Body)
	}
	loc, err := url.Parse(rec.Header().Get("Location"))
	if err != nil || !strings.HasPrefix(loc.String(), fake.URL()+"/authorize?") ||
		loc.Query().Get("client_id") != fakespotify.DefaultClientID || loc.Query().Get("state") != f.state {
		t.Fatalf("Location %q", rec.Header().Get("Location"))
	}
	checkMode(t, f.paths.ConfigFile(), 0o600)
	saved, err := config.Load(f.paths.ConfigFile(), func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if saved.ClientID != fakespotify.DefaultClientID || saved.ClientSecret != "" || saved.RedirectURI != anyPortURI {
		t.Errorf("saved %+v", saved)
	}

	// The rest of the login uses the new client ID.
	rec = serve(f, http.MethodGet, "/callback?"+consent(t, loc.String()).Encode(), nil, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("callback: %d\n%s", rec.Code, rec.Body)
	}
	res, err := f.outcome()
	if err != nil {
		t.Fatal(err)
	}
	if res.Config.ClientID != fakespotify.DefaultClientID || res.Token.ClientID != fakespotify.DefaultClientID {
		t.Errorf("result config %q, token %q", res.Config.ClientID, res.Token.ClientID)
	}
}

// TestSetupSaveKeepsSettings: saving the client ID keeps the other
// settings of the configuration the login started with.
func TestSetupSaveKeepsSettings(t *testing.T) {
	f, _ := newSetupFlow(t)
	f.cfg.PollInterval = 25 * time.Second
	rec := postForm(f, "/setup", url.Values{
		"form_token": {f.formToken}, "client_id": {fakespotify.DefaultClientID}, "client_secret": {"feedfacefeedfacefeedfacefeedface"},
	}, nil)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("POST: %d\n%s", rec.Code, rec.Body)
	}
	saved, err := config.Load(f.paths.ConfigFile(), func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if saved.PollInterval != f.cfg.PollInterval || saved.ClientSecret != "feedfacefeedfacefeedfacefeedface" {
		t.Errorf("saved interval %v, secret set %v", saved.PollInterval, saved.ClientSecret != "")
	}
	// With a secret the consent request carries no PKCE challenge.
	loc, _ := url.Parse(rec.Header().Get("Location"))
	if loc.Query().Has("code_challenge") {
		t.Errorf("code_challenge sent although a secret is set")
	}
}

func TestSetupRefused(t *testing.T) {
	const secret = "5ec7e75ec7e75ec7e75ec7e75ec7e75e"
	tests := []struct {
		name    string
		form    func(f *flow) url.Values
		header  http.Header
		status  int
		want    []string
		notWant []string
	}{
		{
			name: "not hexadecimal, escaped, secret not echoed",
			form: func(f *flow) url.Values {
				return url.Values{"form_token": {f.formToken}, "client_id": {`<b>"x"</b>`}, "client_secret": {secret}}
			},
			status:  http.StatusBadRequest,
			want:    []string{"is not 32 characters long", `value="&lt;b&gt;&#34;x&#34;&lt;/b&gt;"`},
			notWant: []string{"<b>", secret},
		},
		{
			name: "32 characters, not all hexadecimal",
			form: func(f *flow) url.Values {
				return url.Values{"form_token": {f.formToken}, "client_id": {strings.Repeat("g", 32)}, "client_secret": {secret}}
			},
			status: http.StatusBadRequest, want: []string{"not hexadecimal", strings.Repeat("g", 32)}, notWant: []string{secret},
		},
		{
			name: "wrong form token",
			form: func(*flow) url.Values {
				return url.Values{"form_token": {randomToken()}, "client_id": {fakespotify.DefaultClientID}}
			},
			status: http.StatusForbidden, want: []string{"does not belong to the login"},
		},
		{
			name: "missing form token",
			form: func(*flow) url.Values {
				return url.Values{"client_id": {fakespotify.DefaultClientID}}
			},
			status: http.StatusForbidden,
		},
		{
			name: "other origin",
			form: func(f *flow) url.Values {
				return url.Values{"form_token": {f.formToken}, "client_id": {fakespotify.DefaultClientID}}
			},
			header: http.Header{"Origin": {"http://evil.example"}},
			status: http.StatusForbidden, want: []string{"can only be sent from spotray"},
		},
		{
			name: "cross-site fetch",
			form: func(f *flow) url.Values {
				return url.Values{"form_token": {f.formToken}, "client_id": {fakespotify.DefaultClientID}}
			},
			header: http.Header{"Sec-Fetch-Site": {"cross-site"}},
			status: http.StatusForbidden,
		},
		{
			name: "oversized form",
			form: func(f *flow) url.Values {
				return url.Values{"form_token": {f.formToken}, "client_id": {fakespotify.DefaultClientID},
					"client_secret": {strings.Repeat("x", maxForm)}}
			},
			status: http.StatusBadRequest,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := newSetupFlow(t)
			rec := postForm(f, "/setup", tt.form(f), tt.header)
			checkPage(t, rec, tt.status, tt.want, tt.notWant)
			if _, err := os.Stat(f.paths.ConfigFile()); err == nil {
				t.Errorf("config.toml written")
			}
			if f.isDone() {
				t.Errorf("a refused form ended the login")
			}
		})
	}
}

// TestSetupWithClientID: with a client ID configured there is no form; the
// setup address forwards to Spotify.
func TestSetupWithClientID(t *testing.T) {
	fake := fakespotify.NewTestServer(t, fakespotify.Options{AutoApprove: true})
	f := newTestFlow(t, testConfig(fake))
	rec := serve(f, http.MethodGet, "/", nil, nil)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != f.authorizeURL() {
		t.Errorf("GET /: %d, Location %q", rec.Code, rec.Header().Get("Location"))
	}
	rec = postForm(f, "/setup", url.Values{"form_token": {f.formToken}, "client_id": {strings.Repeat("a", 32)}}, nil)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", rec.Code)
	}
	if _, err := os.Stat(f.paths.ConfigFile()); err == nil {
		t.Errorf("config.toml written")
	}
}

// TestSetupAfterFinish: the setup page of a finished login says so.
func TestSetupAfterFinish(t *testing.T) {
	f, _ := newSetupFlow(t)
	f.finish(nil, ErrTimeout)
	rec := postForm(f, "/setup", url.Values{"form_token": {f.formToken}, "client_id": {fakespotify.DefaultClientID}}, nil)
	if rec.Code != http.StatusGone {
		t.Errorf("POST: %d", rec.Code)
	}
	if _, err := os.Stat(f.paths.ConfigFile()); err == nil {
		t.Errorf("config.toml written after the login finished")
	}
}

// TestSetupSaveFailure: a config.toml that cannot be written is reported on
// the form, which stays usable.
func TestSetupSaveFailure(t *testing.T) {
	f, _ := newSetupFlow(t)
	if err := os.MkdirAll(f.paths.ConfigDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(f.paths.ConfigFile(), []byte("client_id = [broken"), 0o600); err != nil {
		t.Fatal(err)
	}
	rec := postForm(f, "/setup", url.Values{"form_token": {f.formToken}, "client_id": {fakespotify.DefaultClientID}}, nil)
	body := rec.Body.String()
	if rec.Code != http.StatusInternalServerError || !strings.Contains(body, "not replacing config") ||
		!strings.Contains(body, `value="`+fakespotify.DefaultClientID+`"`) {
		t.Errorf("%d\n%s", rec.Code, body)
	}
	if f.isDone() {
		t.Errorf("a failed save ended the login")
	}
}
