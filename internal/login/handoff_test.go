package login

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/config"
	"github.com/spotray/spotray/internal/fakespotify"
	"github.com/spotray/spotray/internal/tokens"
)

func TestRunHandoffStoresNothing(t *testing.T) {
	fake := fakespotify.NewTestServer(t, fakespotify.Options{AutoApprove: true})
	paths := testPaths(t)
	own := &tokens.Token{ClientID: fakespotify.DefaultClientID, AccessToken: "tray-access", RefreshToken: "tray-refresh"}
	store := &tokens.Store{Dir: paths.ConfigDir}
	if err := store.Save(own); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(store.Path())
	var page <-chan string
	res, err := Run(context.Background(), Options{
		Paths: paths, Config: testConfig(fake), Out: &bytes.Buffer{}, Handoff: true,
		Open: func(u string) { page = browse(t, u) },
	})
	if err != nil {
		t.Fatal(err)
	}
	shown := <-page
	if !strings.Contains(shown, "handed a new refresh token to your script") {
		t.Errorf("page:\n%s", shown)
	}
	if res.Token.RefreshToken == "" || strings.Contains(shown, res.Token.RefreshToken) || strings.Contains(shown, res.Token.AccessToken) {
		t.Errorf("the page shows a token, or there is none: %+v", res.Token)
	}
	if after, _ := os.ReadFile(store.Path()); !bytes.Equal(after, before) {
		t.Errorf("the tray's token.json changed:\n%s", after)
	}
	if entries, _ := os.ReadDir(filepath.Dir(store.Path())); len(entries) != 1 {
		t.Errorf("files written: %v", entries)
	}
}

func TestRunHandoffNeedsAnApp(t *testing.T) {
	_, err := Run(context.Background(), Options{Paths: testPaths(t), Handoff: true, Out: &bytes.Buffer{}})
	if err == nil || !strings.Contains(err.Error(), "spotray login") {
		t.Fatalf("a handoff without a client ID: %v", err)
	}
}

func TestHandoffUsage(t *testing.T) {
	tok := &tokens.Token{AuthorizedAt: time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)}
	cfg := config.Config{ClientID: "0123456789abcdef0123456789abcdef", AccountsURL: "https://accounts.spotify.com"}
	for _, tc := range []struct {
		secret   string
		want     []string
		unwanted []string
	}{
		{"", []string{"no client secret", "-d client_id=" + cfg.ClientID + " https://accounts.spotify.com/api/token",
			"save the refresh_token of every answer", "website", "client secret instead", "2027-06-02", "six months"},
			[]string{"-u "}},
		{"s3cret", []string{"HTTP Basic", `-u "` + cfg.ClientID + `:$CLIENT_SECRET"`, "2027-06-02"},
			[]string{"s3cret", "client_id="}},
	} {
		c := cfg
		c.ClientSecret = tc.secret
		got := HandoffUsage(c, tok)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("secret %q: lacks %q:\n%s", tc.secret, w, got)
			}
		}
		for _, w := range tc.unwanted {
			if strings.Contains(got, w) {
				t.Errorf("secret %q: has %q:\n%s", tc.secret, w, got)
			}
		}
	}
}
