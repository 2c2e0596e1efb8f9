// Package testlogin lets tests start logged in: it stores a login that the
// simulated Spotify granted, exactly as `spotray login` would have.
package testlogin

import (
	"testing"

	"github.com/spotray/spotray/internal/fakespotify"
	"github.com/spotray/spotray/internal/spotify"
	"github.com/spotray/spotray/internal/tokens"
)

// Save has fake grant a login to fakespotify.DefaultClientID with spotray's
// scopes, stores it in dir (token.json) and returns what was stored.
func Save(t testing.TB, fake *fakespotify.Server, dir string) *tokens.Token {
	t.Helper()
	return SaveOld(t, fake, dir, spotify.Scopes, spotify.Scopes)
}

// SaveOld stores a login granted with scope whose token.json records
// recorded: a login made before spotray asked for more, or kept the
// grant's scope ("" recorded), reads as such.
func SaveOld(t testing.TB, fake *fakespotify.Server, dir, scope, recorded string) *tokens.Token {
	t.Helper()
	g, err := fake.Grant(fakespotify.DefaultClientID, scope)
	if err != nil {
		t.Fatalf("grant a login: %v", err)
	}
	tok := &tokens.Token{
		ClientID: fakespotify.DefaultClientID, AccessToken: g.AccessToken, RefreshToken: g.RefreshToken,
		TokenType: "Bearer", Scope: recorded, Expiry: g.Expiry, AuthorizedAt: g.AuthorizedAt,
		User: fakespotify.DefaultDisplayName,
	}
	if err := (&tokens.Store{Dir: dir}).Save(tok); err != nil {
		t.Fatalf("store the login: %v", err)
	}
	return tok
}
