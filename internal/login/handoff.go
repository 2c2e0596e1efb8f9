package login

import (
	"fmt"
	"strings"
	"time"

	"github.com/spotray/spotray/internal/config"
	"github.com/spotray/spotray/internal/tokens"
)

// HandoffUsage tells, for a terminal, how to use the refresh token of a
// handoff grant, matched to how the app refreshes: with its client secret
// (HTTP Basic), or with PKCE, whose refresh tokens may be replaced on every
// refresh. The curl command it shows is the README's.
func HandoffUsage(cfg config.Config, tok *tokens.Token) string {
	var b strings.Builder
	endpoint := cfg.OAuth2().Endpoint.TokenURL
	b.WriteString("\nThis refresh token (on standard output) is a separate login for your script: " +
		"spotray never stores or uses it, and its own login is unchanged.\n")
	if cfg.ClientSecret != "" {
		b.WriteString("Your app has a client secret: refresh with HTTP Basic authentication, as Spotify's tutorials do:\n")
		fmt.Fprintf(&b, "  curl -s -u \"%s:$CLIENT_SECRET\" -d grant_type=refresh_token -d refresh_token=\"$REFRESH_TOKEN\" %s\n",
			cfg.ClientID, endpoint)
		b.WriteString("If an answer carries a new refresh_token, use that one from then on.\n")
	} else {
		b.WriteString("Your app has no client secret (PKCE): refresh with client_id in the form and no secret, and save the " +
			"refresh_token of every answer, because Spotify may replace it each time and revoke the old one:\n")
		fmt.Fprintf(&b, "  curl -s -d grant_type=refresh_token -d refresh_token=\"$REFRESH_TOKEN\" -d client_id=%s %s\n",
			cfg.ClientID, endpoint)
		b.WriteString("A website that cannot save a new token should use an app with a client secret instead " +
			"(set client_secret in config.toml, then run this again).\n")
	}
	fmt.Fprintf(&b, "Spotify ends this login on %s, six months after you authorized; then run `spotray refresh-token --new` again.\n",
		tok.LoginEndsAt().Format(time.DateOnly))
	return b.String()
}
