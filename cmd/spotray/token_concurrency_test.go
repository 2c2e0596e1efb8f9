package main_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/fakespotify"
	"github.com/spotray/spotray/internal/tokens"
)

// TestTokenConcurrentProcesses starts many `spotray token` processes at once
// on an expired access token, as scripts and the tray do after a night of
// sleep. With single-use refresh tokens only one refresh may reach Spotify:
// a second one would spend a revoked token and end the login.
func TestTokenConcurrentProcesses(t *testing.T) {
	t.Parallel()
	fake := fakespotify.NewTestServer(t, fakespotify.Options{Rotation: fakespotify.RotateSingleUse})
	h := newHome(t, fake)
	h.seedLogin()
	fake.ExpireAccessTokens()
	expired := h.stored()
	expired.Expiry = time.Now().Add(-time.Minute)
	if err := (&tokens.Store{Dir: h.Paths.ConfigDir}).Save(expired); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const n = 20
	cmds := make([]*exec.Cmd, n)
	outs, errOuts := make([]bytes.Buffer, n), make([]bytes.Buffer, n)
	for i := range n {
		cmds[i] = h.command(ctx, "token")
		cmds[i].Stdout, cmds[i].Stderr = &outs[i], &errOuts[i]
	}
	for i, cmd := range cmds {
		if err := cmd.Start(); err != nil {
			t.Fatalf("start #%d: %v", i, err)
		}
	}
	printed := make(map[string]bool)
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("spotray token #%d: %v: %s", i, err, errOuts[i].String())
			continue
		}
		out := outs[i].String()
		tok, ok := strings.CutSuffix(out, "\n")
		if !ok || tok == "" || strings.Contains(tok, "\n") {
			t.Errorf("spotray token #%d printed %d bytes, want one line", i, len(out))
			continue
		}
		printed[tok] = true
	}
	for tok := range printed {
		if !fake.Accepts(tok) {
			t.Error("a printed access token is refused by the API")
		}
		if tok == expired.AccessToken {
			t.Error("the expired access token was printed")
		}
	}
	if st := fake.Stats(); st.Refreshes != 1 || st.RefreshReuses != 0 {
		t.Errorf("fake stats %+v, want exactly one refresh and no reuse", st)
	}

	onDisk := h.stored()
	if onDisk.RefreshToken == expired.RefreshToken {
		t.Error("the rotated refresh token was not saved")
	}
	resp, err := http.PostForm(fake.URL()+"/api/token", url.Values{
		"grant_type": {"refresh_token"}, "refresh_token": {onDisk.RefreshToken}, "client_id": {fakespotify.DefaultClientID},
	})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("the refresh token left on disk is refused: %s", resp.Status)
	}
}
