package winetest_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spotray/spotray/assets"
	"github.com/spotray/spotray/internal/config"
	"github.com/spotray/spotray/internal/desktoptest"
	"github.com/spotray/spotray/internal/fakespotify"
	"github.com/spotray/spotray/internal/testenv"
	"github.com/spotray/spotray/internal/tokens"
	"github.com/spotray/spotray/internal/winetest"
)

// user is one Windows user of spotray.exe under Wine, against a simulated
// Spotify.
type user struct {
	t      *testing.T
	prefix *winetest.Prefix
	exe    string
	fake   *fakespotify.Server
	env    []string
}

// run runs spotray.exe with args to completion and returns its output and
// exit code (-1, with the test marked failed, when it could not run). It
// may be called from several goroutines.
func (u *user) run(args ...string) (stdout, stderr string, code int) {
	u.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out, errOut bytes.Buffer
	cmd := u.command(ctx, args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		u.t.Errorf("spotray.exe %s: %v", strings.Join(args, " "), err)
		code = -1
	}
	return out.String(), errOut.String(), code
}

func (u *user) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := u.prefix.Command(ctx, u.exe, args...)
	cmd.Env = append(cmd.Env, u.env...)
	return cmd
}

// TestWindowsUnderWine is a Windows user's journey through spotray.exe:
// the commands scripts use, a login through the consent page, refreshes
// (one at a time and ten at once), logout, the private token file, and the
// tray icon on Wine's taskbar.
func TestWindowsUnderWine(t *testing.T) {
	start := time.Now()
	dir := t.TempDir()
	type built struct {
		exe, aclTest string
		took         time.Duration
		err          error
	}
	builds := make(chan built, 1)
	go func() {
		var b built
		b.exe, b.err = winetest.Build(dir, "github.com/spotray/spotray/cmd/spotray", false)
		if b.err == nil {
			b.aclTest, b.err = winetest.Build(dir, "github.com/spotray/spotray/internal/atomicfile", true)
		}
		b.took = time.Since(start)
		builds <- b
	}()
	prefix := winetest.Start(t)
	b := <-builds
	if b.err != nil {
		t.Fatal(b.err)
	}
	t.Logf("Windows builds: %v; prefix booted and binaries built after %v",
		b.took.Round(100*time.Millisecond), time.Since(start).Round(100*time.Millisecond))

	fake := fakespotify.NewTestServer(t, fakespotify.Options{AutoApprove: true})
	u := &user{t: t, prefix: prefix, exe: b.exe, fake: fake, env: []string{
		config.EnvClientID + "=" + fakespotify.DefaultClientID,
		config.EnvAccountsURL + "=" + fake.URL(),
		config.EnvAPIURL + "=" + fake.URL(),
		config.EnvRedirectURI + "=http://127.0.0.1:0/callback",
	}}
	winUser, err := prefix.User()
	if err != nil {
		t.Fatal(err)
	}
	tokenFile := filepath.Join(prefix.LocalAppData(t), "spotray", "token.json")

	out, errOut, code := u.run("version")
	if code != 0 || !strings.HasPrefix(out, "spotray ") {
		t.Fatalf("version: exit %d, %q %q", code, out, errOut)
	}

	login(t, u)
	tok := stored(t, tokenFile)
	// Wine keeps no DACLs: it turns the one a file is created with into
	// the file's Unix mode. A file made without one is 0644 there.
	if fi, err := os.Stat(tokenFile); err != nil || fi.Mode().Perm()&0o007 != 0 {
		t.Errorf("token.json as Wine stores it: %v, %v; others must have no access", fi.Mode(), err)
	}

	out, _, code = u.run("status")
	want := `C:\users\` + winUser + `\AppData\Local\spotray\token.json`
	if code != 0 || !strings.Contains(out, "Token file:") || !strings.Contains(out, " "+want+"\n") {
		t.Errorf("status (exit %d) does not show the token file %s:\n%s", code, want, out)
	}

	out, errOut, code = u.run("token")
	if code != 0 || strings.TrimSpace(out) != tok.AccessToken {
		t.Fatalf("token: exit %d, %q %q", code, out, errOut)
	}
	out, _, code = u.run("refresh-token")
	if code != 0 || out != tok.RefreshToken+"\n" {
		t.Fatalf("refresh-token: exit %d, %q", code, out)
	}

	fake.SetPlaylist([]fakespotify.Item{{Name: "snake_case & Sunsets", Artists: []string{"Mina Okafor"},
		Album: "Tabs & Spaces", Duration: time.Hour}})
	out, errOut, code = u.run("now", "--json")
	var now struct{ Kind, Title, Album, Text string }
	if err := json.Unmarshal([]byte(out), &now); code != 0 || err != nil {
		t.Fatalf("now --json: exit %d, %v: %q %q", code, err, out, errOut)
	}
	if now.Kind != "track" || now.Title != "snake_case & Sunsets" || now.Album != "Tabs & Spaces" ||
		now.Text != "snake_case & Sunsets — Mina Okafor" {
		t.Errorf("now --json = %+v", now)
	}

	// An expired access token: `spotray token` refreshes and saves the
	// rotated refresh token.
	before := fake.Stats()
	expire(t, fake, tokenFile)
	out, _, code = u.run("token")
	after := stored(t, tokenFile)
	if code != 0 || strings.TrimSpace(out) != after.AccessToken || after.AccessToken == tok.AccessToken ||
		after.RefreshToken == tok.RefreshToken || fake.Stats().Refreshes != before.Refreshes+1 {
		t.Fatalf("refresh on expiry: exit %d, %q; stored %+v; fake %+v", code, out, after.Expiry, fake.Stats())
	}

	concurrentTokens(t, u, tokenFile)

	out, _, code = u.run("logout")
	if code != 0 || out != "" {
		t.Fatalf("logout: exit %d %q", code, out)
	}
	if _, err := os.Stat(tokenFile); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("token.json after logout: %v", err)
	}
	if _, errOut, code = u.run("token"); code != 1 || !strings.Contains(errOut, "spotray login") {
		t.Errorf("token after logout: exit %d, %q", code, errOut)
	}
	t.Logf("commands done after %v", time.Since(start).Round(100*time.Millisecond))

	// The DACL test of atomicfile, on Wine's Windows API.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	aclOut, err := prefix.Command(ctx, b.aclTest, "-test.run=^TestPrivateFileACL$", "-test.v").CombinedOutput()
	if err != nil || !bytes.Contains(aclOut, []byte("--- PASS: TestPrivateFileACL")) {
		t.Errorf("atomicfile's TestPrivateFileACL under Wine: %v\n%s", err, aclOut)
	}

	trayIcon(t, prefix, b.exe)
	t.Logf("all done after %v", time.Since(start).Round(100*time.Millisecond))
}

// login runs `spotray login --no-browser` and follows the printed address
// over HTTP, as a person opening it would; the fake approves at once and
// redirects to spotray's loopback callback inside Wine.
func login(t *testing.T, u *user) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := u.command(ctx, "login", "--no-browser")
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
		if s := strings.TrimSpace(lines.Text()); strings.HasPrefix(s, u.fake.URL()+"/authorize?") {
			authURL = s
		}
	}
	if authURL == "" {
		cmd.Wait()
		t.Fatalf("login printed no authorize URL:\n%s", printed.String())
	}
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
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), "Connected as") ||
		!strings.Contains(string(rest), "Connected as "+fakespotify.DefaultDisplayName) {
		t.Fatalf("login: callback page %d:\n%s\nstderr: %s", resp.StatusCode, page, rest)
	}
}

// stored reads the token file as spotray.exe left it. It does not use
// tokens.Store, whose Load would make the file private by Unix rules and so
// change what Wine reports about it.
func stored(t *testing.T, path string) *tokens.Token {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var tok tokens.Token
	if err := json.Unmarshal(data, &tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("%s: %v: %s", path, err, data)
	}
	return &tok
}

// expire makes both the fake and the stored login consider the access token
// expired, as after a night with the laptop closed.
func expire(t *testing.T, fake *fakespotify.Server, path string) {
	t.Helper()
	fake.ExpireAccessTokens()
	tok := stored(t, path)
	tok.Expiry = time.Now().Add(-time.Hour)
	data, err := json.Marshal(tok)
	if err != nil {
		t.Fatal(err)
	}
	// Rewriting in place keeps the file's mode, and so its DACL in Wine.
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// concurrentTokens starts ten `spotray token` at once on an expired login:
// the token file's lock (LockFileEx on Windows) must let exactly one of them
// refresh, or the single-use refresh token would be spent twice.
func concurrentTokens(t *testing.T, u *user, tokenFile string) {
	t.Helper()
	expire(t, u.fake, tokenFile)
	before := u.fake.Stats()
	const n = 10
	outs := make([]string, n)
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { outs[i], _, codes[i] = u.run("token") })
	}
	wg.Wait()
	tok := stored(t, tokenFile)
	for i := range n {
		if codes[i] != 0 || strings.TrimSpace(outs[i]) != tok.AccessToken {
			t.Errorf("token #%d: exit %d, %q; want the stored access token", i, codes[i], outs[i])
		}
	}
	st := u.fake.Stats()
	if st.Refreshes != before.Refreshes+1 || st.RefreshReuses != before.RefreshReuses {
		t.Errorf("%d concurrent token runs: fake stats %+v, before %+v; want exactly one refresh", n, st, before)
	}
}

// trayIcon runs `spotray demo` in Wine's desktop with its taskbar and
// checks that the icon is drawn there and that systray reported nothing.
func trayIcon(t *testing.T, prefix *winetest.Prefix, exe string) {
	t.Helper()
	testenv.Require(t, "import")
	display := desktoptest.StartXvfb(t)
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	cmd := prefix.Command(ctx, "explorer", "/desktop=shell,1024x768", prefix.WindowsPath(exe), "demo")
	cmd.Env = append(cmd.Env, "DISPLAY="+display)
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		cmd.Wait()
	})

	colour := iconColour(t, assets.TrayDisconnected) // the demo starts disconnected
	shot := filepath.Join(t.TempDir(), "screen.png")
	var found image.Rectangle
	var pixels int
	deadline := time.Now().Add(45 * time.Second)
	for {
		if out, err := exec.Command("import", "-display", display, "-window", "root", shot).CombinedOutput(); err != nil {
			t.Fatalf("screenshot: %v %s", err, out)
		}
		found, pixels = findColour(t, shot, colour)
		// The icon is drawn at 16 to 32 px: a compact patch of its colour.
		if pixels >= 40 && found.Dx() <= 48 && found.Dy() <= 48 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no tray icon (colour %v) on screen: %d pixels in %v\n%s", colour, pixels, found, stderr.String())
		}
		time.Sleep(300 * time.Millisecond)
	}
	t.Logf("tray icon: %d pixels of %v in %v", pixels, colour, found)

	logs, _ := filepath.Glob(filepath.Join(prefix.C(), "users", "*", "Temp", "spotray-demo-*", "state", "spotray.log"))
	if len(logs) != 1 {
		t.Fatalf("demo logs: %q, want one", logs)
	}
	logData, err := os.ReadFile(logs[0])
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(logData, []byte("tray starting")) {
		t.Errorf("the demo's log lacks its start:\n%s", logData)
	}
	for name, text := range map[string]string{"log": string(logData), "stderr": stderr.String()} {
		if strings.Contains(text, "systray error") {
			t.Errorf("systray reported an error (%s):\n%s", name, text)
		}
	}
}

// iconColour is the colour that covers most of an icon's opaque pixels,
// white (the note) aside.
func iconColour(t *testing.T, pngData []byte) color.NRGBA {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(pngData))
	if err != nil {
		t.Fatalf("icon: %v", err)
	}
	counts := map[color.NRGBA]int{}
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			if c.A == 0xff && c != (color.NRGBA{0xff, 0xff, 0xff, 0xff}) {
				counts[c]++
			}
		}
	}
	var best color.NRGBA
	for c, n := range counts {
		if n > counts[best] {
			best = c
		}
	}
	if counts[best] == 0 {
		t.Fatal("icon: no opaque colour")
	}
	return best
}

// findColour counts the pixels of exactly colour in the PNG at path and
// returns their bounding box.
func findColour(t *testing.T, path string, colour color.NRGBA) (image.Rectangle, int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	var box image.Rectangle
	n := 0
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			if color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA) == colour {
				n++
				box = box.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return box, n
}

// syncBuffer is a bytes.Buffer that the process may write while the test
// reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
