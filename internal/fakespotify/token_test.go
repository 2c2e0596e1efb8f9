package fakespotify

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestExchange(t *testing.T) {
	clock := newClock()
	s := NewTestServer(t, Options{Apps: testApps(), AutoApprove: true, Now: clock.Now})
	redirect := "http://127.0.0.1:8974/callback"
	pkceCode := func() string { return authorize(t, s, pkceQuery(DefaultClientID, redirect)).Get("code") }
	secretCode := func() string {
		q := pkceQuery(secretID, exactURI)
		q.Del("code_challenge")
		q.Del("code_challenge_method")
		return authorize(t, s, q).Get("code")
	}
	pkceForm := func(code string) url.Values {
		return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}, "client_id": {DefaultClientID}, "code_verifier": {verifier}}
	}
	secretForm := func(code string) url.Values {
		return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {exactURI}}
	}
	used := pkceCode()
	if status, body := postToken(t, s, pkceForm(used), "", ""); status != http.StatusOK {
		t.Fatalf("first exchange: %d %v", status, body)
	}

	tests := []struct {
		name       string
		form       url.Values
		user, pass string
		status     int
		err, desc  string
	}{
		{name: "PKCE right verifier", form: pkceForm(pkceCode()), status: 200},
		{name: "PKCE wrong verifier", form: func() url.Values {
			f := pkceForm(pkceCode())
			f.Set("code_verifier", verifier+"x")
			return f
		}(), status: 400, err: "invalid_grant", desc: "code_verifier was incorrect"},
		{name: "PKCE missing verifier", form: func() url.Values { f := pkceForm(pkceCode()); f.Del("code_verifier"); return f }(), status: 400, err: "invalid_grant", desc: "code_verifier was incorrect"},
		{name: "other port than in authorize", form: func() url.Values {
			f := pkceForm(pkceCode())
			f.Set("redirect_uri", "http://127.0.0.1:8975/callback")
			return f
		}(), status: 400, err: "invalid_grant", desc: "Invalid redirect URI"},
		{name: "code used twice", form: pkceForm(used), status: 400, err: "invalid_grant", desc: "Invalid authorization code"},
		{name: "unknown code", form: pkceForm("nope"), status: 400, err: "invalid_grant", desc: "Invalid authorization code"},
		{name: "code of another client", form: func() url.Values { f := pkceForm(secretCode()); return f }(), status: 400, err: "invalid_grant", desc: "Invalid authorization code"},
		{name: "unknown client", form: func() url.Values {
			f := pkceForm(pkceCode())
			f.Set("client_id", "ffffffffffffffffffffffffffffffff")
			return f
		}(), status: 400, err: "invalid_client", desc: "Invalid client"},
		{name: "Basic right secret", form: secretForm(secretCode()), user: secretID, pass: secretSecret, status: 200},
		{name: "Basic wrong secret", form: secretForm(secretCode()), user: secretID, pass: "wrong", status: 400, err: "invalid_client", desc: "Invalid client"},
		{name: "Basic for an app without secret", form: pkceForm(pkceCode()), user: DefaultClientID, pass: "", status: 400, err: "invalid_client", desc: "Invalid client"},
		{name: "secret in body", form: func() url.Values {
			f := secretForm(secretCode())
			f.Set("client_id", secretID)
			f.Set("client_secret", secretSecret)
			return f
		}(), status: 200},
		{name: "no client authentication without PKCE", form: func() url.Values { f := secretForm(secretCode()); f.Set("client_id", secretID); return f }(), status: 400, err: "invalid_client", desc: "Invalid client"},
		{name: "unsupported grant", form: url.Values{"grant_type": {"password"}, "client_id": {DefaultClientID}}, status: 400, err: "unsupported_grant_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := postToken(t, s, tt.form, tt.user, tt.pass)
			if status != tt.status {
				t.Fatalf("status %d, want %d: %v", status, tt.status, body)
			}
			if tt.status == 200 {
				if body["token_type"] != "Bearer" || body["expires_in"] != 3600.0 || body["scope"] != defaultScope || body["access_token"] == nil || body["refresh_token"] == nil {
					t.Errorf("token response %v", body)
				}
				return
			}
			if body["error"] != tt.err || tt.desc != "" && body["error_description"] != tt.desc {
				t.Errorf("got %v, want %s %q", body, tt.err, tt.desc)
			}
		})
	}

	t.Run("code expires", func(t *testing.T) {
		code := pkceCode()
		clock.Advance(codeTTL)
		status, body := postToken(t, s, pkceForm(code), "", "")
		if status != 400 || body["error_description"] != "Invalid authorization code" {
			t.Errorf("got %d %v", status, body)
		}
	})
	if got := s.Stats().Exchanges; got != 4 {
		t.Errorf("Stats().Exchanges = %d, want 4", got)
	}
}

func TestRefreshSingleUse(t *testing.T) {
	s := NewTestServer(t, Options{AutoApprove: true})
	first := logIn(t, s)["refresh_token"].(string)

	status, body := postToken(t, s, refreshForm(first), "", "")
	if status != 200 {
		t.Fatalf("refresh: %d %v", status, body)
	}
	second, _ := body["refresh_token"].(string)
	if second == "" || second == first {
		t.Fatalf("refresh token not rotated: %v", body)
	}
	status, body = postToken(t, s, refreshForm(first), "", "")
	if status != 400 || body["error"] != "invalid_grant" || body["error_description"] != "Refresh token revoked" {
		t.Fatalf("reuse: %d %v", status, body)
	}
	if status, body := postToken(t, s, refreshForm(second), "", ""); status != 200 {
		t.Fatalf("rotated token: %d %v", status, body)
	}
	if st := s.Stats(); st.Refreshes != 2 || st.RefreshReuses != 1 {
		t.Errorf("Stats = %+v, want 2 refreshes, 1 reuse", st)
	}
	status, body = postToken(t, s, refreshForm("AQnot-a-token"), "", "")
	if status != 400 || body["error"] != "invalid_grant" {
		t.Errorf("unknown refresh token: %d %v", status, body)
	}
	f := refreshForm(second)
	f.Set("client_id", "ffffffffffffffffffffffffffffffff")
	if status, body := postToken(t, s, f, "", ""); status != 400 || body["error"] != "invalid_client" {
		t.Errorf("unknown client: %d %v", status, body)
	}
}

func TestRefreshOmitted(t *testing.T) {
	s := NewTestServer(t, Options{AutoApprove: true, Rotation: RotateOmit, AccessTokenTTL: 90 * time.Second})
	rt := logIn(t, s)["refresh_token"].(string)
	for i := range 3 {
		status, body := postToken(t, s, refreshForm(rt), "", "")
		if status != 200 {
			t.Fatalf("refresh %d: %d %v", i, status, body)
		}
		if _, ok := body["refresh_token"]; ok {
			t.Fatalf("refresh_token present: %v", body)
		}
		if body["expires_in"] != 90.0 {
			t.Errorf("expires_in = %v, want 90", body["expires_in"])
		}
	}
}

func TestRefreshWithSecretNeedsSecret(t *testing.T) {
	s := NewTestServer(t, Options{Apps: testApps(), AutoApprove: true})
	q := pkceQuery(secretID, exactURI)
	q.Del("code_challenge")
	q.Del("code_challenge_method")
	code := authorize(t, s, q).Get("code")
	_, body := postToken(t, s, url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {exactURI}}, secretID, secretSecret)
	rt := body["refresh_token"].(string)
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {secretID}}
	if status, body := postToken(t, s, form, "", ""); status != 400 || body["error"] != "invalid_client" {
		t.Errorf("without secret: %d %v", status, body)
	}
	form.Del("client_id")
	if status, body := postToken(t, s, form, secretID, secretSecret); status != 200 {
		t.Errorf("with Basic: %d %v", status, body)
	}
}

func TestLoginEndsAfterSixMonths(t *testing.T) {
	clock := newClock()
	s := NewTestServer(t, Options{AutoApprove: true, Now: clock.Now})
	authorized := clock.Now()
	rt := logIn(t, s)["refresh_token"].(string)
	end := authorized.AddDate(0, 6, 0)

	// Refreshing along the way does not move the end.
	clock.Advance(end.Sub(authorized) - time.Second)
	status, body := postToken(t, s, refreshForm(rt), "", "")
	if status != 200 {
		t.Fatalf("just before the end: %d %v", status, body)
	}
	rt = body["refresh_token"].(string)
	clock.Advance(time.Second)
	status, body = postToken(t, s, refreshForm(rt), "", "")
	if status != 400 || body["error"] != "invalid_grant" || body["error_description"] != "Refresh token expired" {
		t.Fatalf("at the end: %d %v", status, body)
	}
}

func TestConcurrentRefreshOneWins(t *testing.T) {
	s := NewTestServer(t, Options{AutoApprove: true})
	rt := logIn(t, s)["refresh_token"].(string)
	const n = 20
	var wg sync.WaitGroup
	statuses := make([]int, n)
	for i := range n {
		wg.Go(func() { statuses[i], _ = postToken(t, s, refreshForm(rt), "", "") })
	}
	wg.Wait()
	if ok := slices.Index(statuses, 200); ok < 0 || slices.Contains(statuses[ok+1:], 200) {
		t.Errorf("statuses %v: want exactly one 200", statuses)
	}
	if st := s.Stats(); st.Refreshes != 1 || st.RefreshReuses != n-1 {
		t.Errorf("Stats = %+v", st)
	}
}

func TestGrantAndIssuedTokens(t *testing.T) {
	clock := newClock()
	s := NewTestServer(t, Options{Now: clock.Now})
	tok, err := s.Grant(DefaultClientID, "")
	if err != nil {
		t.Fatal(err)
	}
	if tok.Scope != defaultScope || !tok.AuthorizedAt.Equal(clock.Now()) || !tok.Expiry.Equal(clock.Now().Add(time.Hour)) {
		t.Errorf("Grant = %+v", tok)
	}
	if _, err := s.Grant("ffffffffffffffffffffffffffffffff", ""); err == nil {
		t.Error("Grant for an unknown client succeeded")
	}
	if _, err := s.Grant(DefaultClientID, "read-minds"); err == nil {
		t.Error("Grant with an unknown scope succeeded")
	}
	_, body := postToken(t, s, refreshForm(tok.RefreshToken), "", "")
	want := []string{tok.AccessToken, tok.RefreshToken, body["access_token"].(string), body["refresh_token"].(string)}
	if got := s.IssuedTokens(); !slices.Equal(got, want) {
		t.Errorf("IssuedTokens = %q, want %q", got, want)
	}
	// A consented Grant means /authorize skips the page, as after a login.
	q := pkceQuery(DefaultClientID, DefaultRedirectURI)
	if back := authorize(t, s, q); back.Get("code") == "" {
		t.Errorf("authorize after Grant: %v", back)
	}
}

func TestTokenResponseShape(t *testing.T) {
	s := NewTestServer(t, Options{AutoApprove: true})
	got := logIn(t, s)
	var fixture map[string]any
	if err := json.Unmarshal(Fixture("spotify-web-api-java/AuthorizationCode.json"), &fixture); err != nil {
		t.Fatal(err)
	}
	for k := range fixture {
		if _, ok := got[k]; !ok {
			t.Errorf("response lacks %q: %v", k, got)
		}
	}
	if len(got) != len(fixture) {
		t.Errorf("response fields %v, fixture fields %v", got, fixture)
	}
}
