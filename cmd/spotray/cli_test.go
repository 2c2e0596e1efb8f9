package main_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/config"
	"github.com/spotray/spotray/internal/fakespotify"
	"github.com/spotray/spotray/internal/spotify"
	"github.com/spotray/spotray/internal/testenv"
	"github.com/spotray/spotray/internal/tokens"
)

// anyPort lets parallel tests log in at once: the fake, like Spotify,
// accepts any port for a loopback URI registered without one.
const anyPort = config.EnvRedirectURI + "=http://127.0.0.1:0/callback"

func TestHelpVersionAndUsageErrors(t *testing.T) {
	t.Parallel()
	h := newHome(t, nil)
	for _, tc := range []struct {
		args        []string
		code        int
		out, errOut string
	}{
		{[]string{"help"}, 0, "spotray refresh-token", ""},
		{[]string{"--help"}, 0, "spotray login", ""},
		{[]string{"version"}, 0, "spotray ", ""},
		{[]string{"frobnicate"}, 2, "", "unknown command \"frobnicate\": run `spotray help`"},
		{[]string{"token", "extra"}, 2, "", "token takes no arguments"},
		{[]string{"token", "--yaml"}, 2, "", "flag provided but not defined"},
		{[]string{"now", "--bogus"}, 2, "", "flag provided but not defined"},
	} {
		out, errOut, code := h.run(tc.args...)
		if code != tc.code || !strings.Contains(out, tc.out) || !strings.Contains(errOut, tc.errOut) {
			t.Errorf("spotray %v: exit %d, stdout %q, stderr %q", tc.args, code, out, errOut)
		}
	}
}

func TestCommandsWithoutClientIDSayWhatToDo(t *testing.T) {
	t.Parallel()
	h := newHome(t, nil)
	for _, cmd := range []string{"token", "refresh-token", "now"} {
		out, errOut, code := h.run(cmd)
		if code != 1 || out != "" || strings.Count(errOut, "\n") != 1 ||
			!strings.Contains(errOut, "no Spotify client ID") || !strings.Contains(errOut, config.DefaultRedirectURI) {
			t.Errorf("spotray %s: exit %d, stdout %q, stderr %q", cmd, code, out, errOut)
		}
	}
	out, _, code := h.run("status")
	if code != 1 || !strings.Contains(out, "Client ID:") || !strings.Contains(out, "not set") ||
		!strings.Contains(out, config.DefaultRedirectURI) || !strings.Contains(out, "(not created yet)") {
		t.Errorf("status: exit %d\n%s", code, out)
	}
}

func TestBrokenConfigIsReportedWithLineAndKept(t *testing.T) {
	t.Parallel()
	h := newHome(t, nil)
	broken := "client_id = \"" + fakespotify.DefaultClientID + "\"\nredirect_uri = http://127.0.0.1/cb\n"
	if err := os.MkdirAll(h.Paths.ConfigDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(h.Paths.ConfigFile(), []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"token", "status", "login"} {
		_, errOut, code := h.run(cmd, "--no-browser")
		if cmd != "login" {
			_, errOut, code = h.run(cmd)
		}
		if code != 1 || !strings.Contains(errOut, h.Paths.ConfigFile()+":2:") {
			t.Errorf("spotray %s: exit %d, stderr %q", cmd, code, errOut)
		}
	}
	if data, _ := os.ReadFile(h.Paths.ConfigFile()); string(data) != broken {
		t.Fatal("the broken config file was changed")
	}
}

func TestLocalhostRedirectIsRefusedWithTheFix(t *testing.T) {
	t.Parallel()
	h := newHome(t, nil)
	h.Env = append(h.Env, config.EnvRedirectURI+"=http://localhost:8974/callback")
	_, errOut, code := h.run("login", "--no-browser")
	if code != 1 || !strings.Contains(errOut, "http://127.0.0.1:8974/callback") || !strings.Contains(errOut, "localhost") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

// TestLoginOverHTTPThenScriptCommands is the terminal user's whole journey
// through the real binary: log in without a desktop browser, then use every
// command scripts rely on.
func TestLoginOverHTTPThenScriptCommands(t *testing.T) {
	t.Parallel()
	fake := fakespotify.NewTestServer(t, fakespotify.Options{AutoApprove: true})
	h := newHome(t, fake)
	h.Env = append(h.Env, anyPort)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := h.command(ctx, "login", "--no-browser")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stderr)
	var authURL string
	var printed strings.Builder
	for authURL == "" && lines.Scan() {
		printed.WriteString(lines.Text() + "\n")
		if s := strings.TrimSpace(lines.Text()); strings.HasPrefix(s, fake.URL()+"/authorize?") {
			authURL = s
		}
	}
	if authURL == "" {
		t.Fatalf("login printed no authorize URL:\n%s", printed.String())
	}
	if !strings.Contains(printed.String(), "Open this address") || strings.Contains(printed.String(), "Opening your browser") {
		t.Errorf("--no-browser should only ask to open the address:\n%s", printed.String())
	}
	// The person opens the printed URL; the fake approves and redirects to
	// spotray's loopback callback, which answers with the result page.
	resp, err := http.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	rest, _ := io.ReadAll(stderr)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("login: %v\n%s%s", err, printed.String(), rest)
	}
	if resp.StatusCode != 200 || !strings.Contains(string(page), "Connected as") ||
		!strings.Contains(string(page), fakespotify.DefaultDisplayName) {
		t.Fatalf("callback page %d:\n%s", resp.StatusCode, page)
	}
	if !strings.Contains(string(rest), "Connected as "+fakespotify.DefaultDisplayName) {
		t.Errorf("login did not confirm on stderr: %q", rest)
	}
	q := fake.LastAuthorize()
	if q.Get("code_challenge_method") != "S256" || q.Get("scope") != spotify.Scopes {
		t.Errorf("authorize request: %v", q)
	}

	tok := h.stored()
	for path, want := range map[string]os.FileMode{h.Paths.ConfigDir: 0o700, filepath.Join(h.Paths.ConfigDir, "token.json"): 0o600} {
		if err := testenv.CheckPerm(path, want); err != nil {
			t.Error(err)
		}
	}

	out, errOut, code := h.run("token")
	if code != 0 || strings.TrimSpace(out) != tok.AccessToken || errOut != "" {
		t.Fatalf("token: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	out, _, code = h.run("refresh-token")
	if code != 0 || out != tok.RefreshToken+"\n" {
		t.Fatalf("refresh-token: exit %d, stdout %q", code, out)
	}

	out, _, code = h.run("status")
	for _, want := range []string{"Logged in as:", fakespotify.DefaultDisplayName, "Access token:", "valid until",
		"Login ends:", "in 18", tokens.MaskClientID(fakespotify.DefaultClientID), "PKCE",
		"Token file:", " " + filepath.Join(h.Paths.ConfigDir, "token.json") + "\n"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("status lacks %q (exit %d):\n%s", want, code, out)
		}
	}
	if strings.Contains(out, tok.AccessToken) || strings.Contains(out, tok.RefreshToken) {
		t.Error("status printed a token")
	}

	// An expired access token: `spotray token` refreshes and saves the
	// rotated refresh token, and the new pair works.
	fake.ExpireAccessTokens()
	expireStored(t, h)
	out, _, code = h.run("token")
	after := h.stored()
	if code != 0 || strings.TrimSpace(out) != after.AccessToken || after.AccessToken == tok.AccessToken ||
		after.RefreshToken == tok.RefreshToken || !after.AuthorizedAt.Equal(tok.AuthorizedAt) {
		t.Fatalf("refresh through `spotray token`: exit %d, %q; stored %+v", code, out, after.Expiry)
	}

	out, _, code = h.run("logout")
	if code != 0 || out != "" {
		t.Fatalf("logout: exit %d %q", code, out)
	}
	if _, err := os.Stat(filepath.Join(h.Paths.ConfigDir, "token.json")); !os.IsNotExist(err) {
		t.Fatalf("token.json still there after logout: %v", err)
	}
	_, errOut, code = h.run("token")
	if code != 1 || !strings.Contains(errOut, "spotray login") {
		t.Fatalf("token after logout: exit %d, %q", code, errOut)
	}
}

// expireStored makes the stored access token look expired, as after a night
// with the laptop closed.
func expireStored(t *testing.T, h *home) {
	t.Helper()
	path := filepath.Join(h.Paths.ConfigDir, "token.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	m["expiry"] = time.Now().Add(-time.Hour).Format(time.RFC3339)
	data, _ = json.Marshal(m)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestNowCommand(t *testing.T) {
	t.Parallel()
	fake := fakespotify.NewTestServer(t, fakespotify.Options{})
	h := newHome(t, fake)
	h.seedLogin()
	for _, tc := range []struct {
		name    string
		set     func()
		text    string
		kind    string
		playing bool
	}{
		{"track", func() { fake.SetCurrentlyPlaying(fakespotify.Fixture(fakespotify.FixtureTrack)) },
			"Dancing Queen — ABBA (paused)", "track", false},
		{"episode", func() { fake.SetCurrentlyPlaying(fakespotify.Fixture(fakespotify.FixtureEpisode)) },
			"The Giant Beastcast: Episode 0 — The Giant Beastcast", "episode", true},
		{"ad", func() { fake.SetCurrentlyPlaying(fakespotify.Fixture(fakespotify.FixtureAd)) },
			"Advertisement", "ad", true},
		{"nothing", fake.SetNothingPlaying, "Nothing playing", "nothing", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.set()
			out, errOut, code := h.run("now")
			if code != 0 || !strings.Contains(out, tc.text) || strings.Count(out, "\n") != 1 {
				t.Fatalf("now: exit %d, stdout %q, stderr %q", code, out, errOut)
			}
			out, _, code = h.run("now", "--json")
			var got struct {
				Kind    string `json:"kind"`
				Playing bool   `json:"playing"`
				Text    string `json:"text"`
			}
			if err := json.Unmarshal([]byte(out), &got); err != nil || code != 0 {
				t.Fatalf("now --json: exit %d, %v: %q", code, err, out)
			}
			if got.Kind != tc.kind || got.Playing != tc.playing || !strings.HasPrefix(tc.text, got.Text) {
				t.Fatalf("now --json: %+v", got)
			}
		})
	}
}
