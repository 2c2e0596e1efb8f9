package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spotray/spotray/internal/account"
	"github.com/spotray/spotray/internal/config"
	"github.com/spotray/spotray/internal/login"
	"github.com/spotray/spotray/internal/tokens"
)

// cli holds what every terminal command needs. Data goes to stdout so that
// scripts can capture it; everything meant for people goes to stderr.
type cli struct {
	paths          config.Paths
	getenv         func(string) string
	stdout, stderr io.Writer
}

func (c *cli) config() (config.Config, error) {
	return config.Load(c.paths.ConfigFile(), c.getenv)
}

// account is the configured app's login; commands that need one fail here
// with the reason and the fix.
func (c *cli) account() (*account.Account, *tokens.Token, error) {
	cfg, err := c.config()
	if err != nil {
		return nil, nil, err
	}
	if cfg.ClientID != "" {
		if err := cfg.Check(); err != nil {
			return nil, nil, err
		}
	}
	acct, tok, err := account.Open(c.paths, cfg)
	if err != nil && acct.Config.ClientID == "" {
		return nil, nil, acct.Config.Check() // says how to set up an app
	}
	return acct, tok, err
}

func (c *cli) login(ctx context.Context, noBrowser bool) error {
	cfg, err := c.config()
	if err != nil {
		return err
	}
	res, err := login.Run(ctx, login.Options{Paths: c.paths, Config: cfg, Out: c.stderr, NoBrowser: noBrowser})
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	who := "Connected to Spotify"
	if res.Token.User != "" {
		who = "Connected as " + res.Token.User
	}
	fmt.Fprintf(c.stderr, "%s. Spotify ends this login on %s; spotray refreshes it until then.\n",
		who, res.Token.LoginEndsAt().Format(time.DateOnly))
	return nil
}

func (c *cli) logout() error {
	if err := (&tokens.Store{Dir: c.paths.ConfigDir}).Remove(); err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	fmt.Fprintln(c.stderr, "Logged out: the stored Spotify login is deleted. "+
		"To revoke spotray's access entirely, remove the app at https://www.spotify.com/account/apps/.")
	return nil
}

func (c *cli) token(ctx context.Context, asJSON bool) error {
	acct, _, err := c.account()
	if err != nil {
		return err
	}
	tok, err := acct.Tokens.Token(ctx)
	if err != nil {
		return err
	}
	if !asJSON {
		fmt.Fprintln(c.stdout, tok.AccessToken)
		return nil
	}
	// What a script caching the token needs: it can reuse it until
	// expires_at without asking again.
	enc := json.NewEncoder(c.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		AccessToken string `json:"access_token"`
		ExpiresAt   string `json:"expires_at"`
		Scope       string `json:"scope"`
	}{tok.AccessToken, tok.Expiry.UTC().Format(time.RFC3339), tok.Scope})
}

// refreshToken prints the tray's own refresh token, or with newGrant
// makes a separate grant for a script and prints that one, with how to
// use it on stderr.
func (c *cli) refreshToken(ctx context.Context, newGrant, noBrowser bool) error {
	acct, tok, err := c.account()
	if !newGrant {
		if err != nil {
			return err
		}
		fmt.Fprintln(c.stdout, tok.RefreshToken)
		return nil
	}
	// A separate grant needs the app, not the tray's login.
	if err != nil && (acct == nil || !errors.Is(err, tokens.ErrNotLoggedIn)) {
		return err
	}
	res, err := login.Run(ctx, login.Options{Paths: c.paths, Config: acct.Config, Out: c.stderr,
		NoBrowser: noBrowser, Handoff: true})
	if err != nil {
		return fmt.Errorf("refresh token for a script: %w", err)
	}
	fmt.Fprintln(c.stdout, res.Token.RefreshToken)
	fmt.Fprint(c.stderr, login.HandoffUsage(acct.Config, res.Token))
	return nil
}

// unwritableHint says what to do about a directory spotray cannot write
// to. Nothing was spent: the stored login works again once it is fixed.
func unwritableHint(u account.Unwritable) string {
	fix := map[account.Reason]string{
		account.ReadOnly:     "it is on a read-only file system: make it writable",
		account.Full:         "its disk is full: free some space",
		account.NotPermitted: "your user may not write there: give it write access",
	}[u.Reason]
	return fmt.Sprintf("spotray cannot write to %s: %s, then try again (the stored login is intact).", u.Dir, fix)
}

// status reads and never writes: it must be safe to run while debugging a
// broken setup. It exits non-zero when there is no usable login, like
// `gh auth status`, so scripts can test for one.
func (c *cli) status() error {
	cfg, err := c.config()
	if err != nil {
		return err
	}
	return account.WriteStatus(c.stdout, c.paths, cfg, time.Now())
}
