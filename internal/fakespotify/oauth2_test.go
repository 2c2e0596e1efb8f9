package fakespotify

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

// TestOAuth2RoundTrip proves the fake speaks the protocol x/oauth2 speaks:
// PKCE with the client ID in the body, a secret with HTTP Basic, and
// AuthStyleAutoDetect's retry after a refused Basic header.
func TestOAuth2RoundTrip(t *testing.T) {
	s := NewTestServer(t, Options{Apps: testApps(), AutoApprove: true})
	endpoint := func(style oauth2.AuthStyle) oauth2.Endpoint {
		return oauth2.Endpoint{AuthURL: s.URL() + "/authorize", TokenURL: s.URL() + "/api/token", AuthStyle: style}
	}
	tests := []struct {
		name string
		conf *oauth2.Config
		pkce bool
	}{
		{"PKCE in params", &oauth2.Config{ClientID: DefaultClientID, Endpoint: endpoint(oauth2.AuthStyleInParams), RedirectURL: "http://127.0.0.1:8974/callback"}, true},
		{"PKCE auto-detect", &oauth2.Config{ClientID: DefaultClientID, Endpoint: endpoint(oauth2.AuthStyleAutoDetect), RedirectURL: "http://127.0.0.1:41000/callback"}, true},
		{"secret in header", &oauth2.Config{ClientID: secretID, ClientSecret: secretSecret, Endpoint: endpoint(oauth2.AuthStyleInHeader), RedirectURL: exactURI}, false},
		{"secret and PKCE", &oauth2.Config{ClientID: secretID, ClientSecret: secretSecret, Endpoint: endpoint(oauth2.AuthStyleInHeader), RedirectURL: exactURI}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			tt.conf.Scopes = strings.Fields(defaultScope)
			v := oauth2.GenerateVerifier()
			var authOpts, exchOpts []oauth2.AuthCodeOption
			if tt.pkce {
				authOpts = append(authOpts, oauth2.S256ChallengeOption(v))
				exchOpts = append(exchOpts, oauth2.VerifierOption(v))
			}
			status, loc, body := get(t, tt.conf.AuthCodeURL("xyz", authOpts...), nil)
			if status != http.StatusFound {
				t.Fatalf("authorize: %d %s", status, body)
			}
			back, err := url.Parse(loc)
			if err != nil {
				t.Fatal(err)
			}
			if back.Query().Get("state") != "xyz" {
				t.Errorf("state %q", back.Query().Get("state"))
			}
			tok, err := tt.conf.Exchange(ctx, back.Query().Get("code"), exchOpts...)
			if err != nil {
				t.Fatalf("Exchange: %v", err)
			}
			if tok.RefreshToken == "" || tok.TokenType != "Bearer" || tok.Extra("scope") != defaultScope {
				t.Errorf("token %+v", tok)
			}

			req, err := http.NewRequest(http.MethodGet, s.URL()+"/v1/me", nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := tt.conf.Client(ctx, tok).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("/v1/me with the token: %d", resp.StatusCode)
			}

			// A token without an access token makes x/oauth2 refresh.
			refreshed, err := tt.conf.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
			if err != nil {
				t.Fatalf("refresh: %v", err)
			}
			if refreshed.RefreshToken == tok.RefreshToken || refreshed.AccessToken == tok.AccessToken {
				t.Errorf("refresh did not rotate: %+v", refreshed)
			}
			_, err = tt.conf.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
			var re *oauth2.RetrieveError
			if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" || re.ErrorDescription != "Refresh token revoked" {
				t.Errorf("reusing the old refresh token: %v", err)
			}
		})
	}
}

// TestNoTokenInPages checks that no token reaches a page, a Location or an
// error body of the accounts endpoints.
func TestNoTokenInPages(t *testing.T) {
	s := NewTestServer(t, Options{})
	tok, err := s.Grant(DefaultClientID, "")
	if err != nil {
		t.Fatal(err)
	}
	q := pkceQuery(DefaultClientID, DefaultRedirectURI)
	q.Set("show_dialog", "true")
	var seen []string
	_, loc, body := get(t, s.URL()+"/authorize?"+q.Encode(), nil)
	seen = append(seen, loc, body)
	_, body2 := postToken(t, s, refreshForm("AQwrong"), "", "")
	seen = append(seen, body2["error_description"].(string))
	for _, text := range seen {
		for _, secret := range append(s.IssuedTokens(), tok.AccessToken, tok.RefreshToken) {
			if strings.Contains(text, secret) {
				t.Errorf("token in %q", text)
			}
		}
	}
}
