package main_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/config"
	"github.com/spotray/spotray/internal/fakespotify"
	"github.com/spotray/spotray/internal/testenv"
)

const testSecret = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"

// newGrant runs `spotray refresh-token --new --no-browser`, plays the
// browser for the URL it prints, and returns the command's stdout and
// stderr and the page the browser ended on.
func newGrant(t *testing.T, h *home) (stdout, stderr, page string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := h.command(ctx, "refresh-token", "--new", "--no-browser")
	var out bytes.Buffer
	cmd.Stdout = &out
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(errPipe)
	var printed strings.Builder
	authURL := ""
	for authURL == "" && lines.Scan() {
		printed.WriteString(lines.Text() + "\n")
		if s := strings.TrimSpace(lines.Text()); strings.HasPrefix(s, h.fake.URL()+"/authorize?") {
			authURL = s
		}
	}
	if authURL == "" || !strings.Contains(printed.String(), "Open this address") {
		t.Fatalf("refresh-token --new --no-browser printed no URL to open:\n%s", printed.String())
	}
	resp, err := http.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	rest, _ := io.ReadAll(errPipe)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("refresh-token --new: %v\n%s%s", err, printed.String(), rest)
	}
	return out.String(), printed.String() + string(rest), string(body)
}

// curlFrom runs the curl command that stderr shows, with the script's
// refresh token (and the app's secret) in the environment, as a user
// pasting it would, and returns Spotify's answer.
func curlFrom(t *testing.T, stderr, refreshToken string) string {
	t.Helper()
	testenv.Require(t, "curl")
	var line string
	for l := range strings.Lines(stderr) {
		if s := strings.TrimSpace(l); strings.HasPrefix(s, "curl ") {
			line = s
		}
	}
	if line == "" {
		t.Fatalf("no curl command in:\n%s", stderr)
	}
	cmd := exec.Command("sh", "-c", line)
	cmd.Env = append(os.Environ(), "REFRESH_TOKEN="+refreshToken, "CLIENT_SECRET="+testSecret)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	return string(out)
}

// TestScriptGrantKeepsBothLoggedIn: with single-use rotation, a refresh
// token made for a script and the tray's own never spend each other's.
func TestScriptGrantKeepsBothLoggedIn(t *testing.T) {
	t.Parallel()
	fake := fakespotify.NewTestServer(t, fakespotify.Options{AutoApprove: true, Rotation: fakespotify.RotateSingleUse})
	h := newHome(t, fake)
	h.Env = append(h.Env, anyPort)
	own := h.seedLogin()
	path := filepath.Join(h.Paths.ConfigDir, "token.json")
	before, _ := os.ReadFile(path)

	out, errOut, page := newGrant(t, h)
	script := strings.TrimSpace(out)
	if script == "" || script == own.RefreshToken || strings.Count(out, "\n") != 1 {
		t.Fatalf("stdout %q: want one new refresh token", out)
	}
	if !strings.Contains(page, "handed a new refresh token") || strings.Contains(page, script) {
		t.Errorf("callback page:\n%s", page)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
		t.Errorf("token.json changed:\n%s", after)
	}
	for _, want := range []string{"no client secret", "client_id=" + fakespotify.DefaultClientID,
		"save the refresh_token of every answer", "website", "six months"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(errOut, script) {
		t.Error("stderr shows the token")
	}

	// The script refreshes as told, twice, saving each rotated token.
	for range 2 {
		answer := curlFrom(t, errOut, script)
		next := jsonField(t, answer, "refresh_token")
		if next == "" || next == script || !fake.Accepts(jsonField(t, answer, "access_token")) {
			t.Fatalf("the script's refresh: %s", answer)
		}
		script = next
	}
	// The tray is still logged in, and refreshes (rotating its own)...
	fake.ExpireAccessTokens()
	expireStored(t, h)
	if _, e, code := h.run("token"); code != 0 {
		t.Fatalf("the tray's login after the script's refreshes: exit %d: %s", code, e)
	}
	if h.stored().RefreshToken == own.RefreshToken {
		t.Error("the fake did not rotate the tray's refresh token")
	}
	// ...without logging the script out.
	if answer := curlFrom(t, errOut, script); jsonField(t, answer, "access_token") == "" {
		t.Fatalf("the script's token after the tray's refresh: %s", answer)
	}
	// Without flags, the tray's own token as before.
	if out, _, code := h.run("refresh-token"); code != 0 || strings.TrimSpace(out) != h.stored().RefreshToken {
		t.Errorf("refresh-token: exit %d, %q", code, out)
	}
}

// TestScriptGrantWithSecret: an app with a client secret gets the tutorials'
// HTTP Basic refresh, and the command shown works.
func TestScriptGrantWithSecret(t *testing.T) {
	t.Parallel()
	fake := fakespotify.NewTestServer(t, fakespotify.Options{AutoApprove: true, Apps: []fakespotify.App{{
		ClientID: fakespotify.DefaultClientID, ClientSecret: testSecret, RedirectURIs: []string{fakespotify.DefaultRedirectURI},
	}}})
	h := newHome(t, fake)
	h.Env = append(h.Env, anyPort, config.EnvClientSecret+"="+testSecret)
	h.seedLogin()

	out, errOut, _ := newGrant(t, h)
	if !strings.Contains(errOut, "HTTP Basic") || !strings.Contains(errOut, "-u ") || strings.Contains(errOut, testSecret) {
		t.Errorf("stderr:\n%s", errOut)
	}
	if answer := curlFrom(t, errOut, strings.TrimSpace(out)); !fake.Accepts(jsonField(t, answer, "access_token")) {
		t.Fatalf("the shown command: %s", answer)
	}
}

func TestTokenJSON(t *testing.T) {
	t.Parallel()
	fake := fakespotify.NewTestServer(t, fakespotify.Options{})
	h := newHome(t, fake)
	tok := h.seedLogin()
	out, _, code := h.run("token", "--json")
	if code != 0 {
		t.Fatalf("token --json: exit %d", code)
	}
	expires, err := time.Parse(time.RFC3339, jsonField(t, out, "expires_at"))
	if err != nil || jsonField(t, out, "access_token") != tok.AccessToken || jsonField(t, out, "scope") != tok.Scope ||
		expires.Unix() != tok.Expiry.Unix() {
		t.Errorf("token --json:\n%s (stored expiry %v)", out, tok.Expiry)
	}
	if _, errOut, code := h.run("refresh-token", "--no-browser"); code != 2 || !strings.Contains(errOut, "--new") {
		t.Errorf("refresh-token --no-browser: exit %d, %q", code, errOut)
	}
}

// jsonField is the string field name of the JSON object doc.
func jsonField(t *testing.T, doc, name string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(doc), &m); err != nil {
		t.Fatalf("not JSON: %q", doc)
	}
	s, _ := m[name].(string)
	return s
}
