//go:build unix

package main_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/fakespotify"
	"github.com/spotray/spotray/internal/nowplaying"
	"github.com/spotray/spotray/internal/testenv"
)

const currentlyPlaying = "/v1/me/player"

// followProc is a running `spotray now --follow` (or any command whose
// output is read line by line).
type followProc struct {
	t      testing.TB
	cmd    *exec.Cmd
	stdout io.ReadCloser
	lines  chan timedLine
	stderr *lockedBuffer
	done   chan struct{}
}

// timedLine is a line of output and when it was read.
type timedLine struct {
	text string
	at   time.Time
}

// startCommand starts cmd and reads its stdout line by line.
func startCommand(t testing.TB, cmd *exec.Cmd) *followProc {
	t.Helper()
	f := &followProc{t: t, cmd: cmd, lines: make(chan timedLine, 100), stderr: &lockedBuffer{}, done: make(chan struct{})}
	var err error
	if f.stdout, err = cmd.StdoutPipe(); err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = f.stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(f.stdout)
		for sc.Scan() {
			f.lines <- timedLine{sc.Text(), time.Now()}
		}
		close(f.lines)
		cmd.Wait() // only once stdout is read to its end, or closed by the test
		close(f.done)
	}()
	t.Cleanup(func() {
		select {
		case <-f.done:
		default:
			// The whole group: sh -c leaves spotray running otherwise.
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-f.done
		}
		if strings.Contains(f.stderr.String(), "WARNING: DATA RACE") {
			t.Errorf("the race detector found a data race in spotray now")
		}
		if t.Failed() {
			t.Logf("%s stderr:\n%s", strings.Join(cmd.Args, " "), f.stderr.String())
		}
	})
	return f
}

// startFollow runs spotray with args as h's user, env added.
func startFollow(t testing.TB, h *home, env []string, args ...string) *followProc {
	t.Helper()
	cmd := h.command(context.Background(), args...)
	cmd.Env = append(cmd.Env, env...)
	return startCommand(t, cmd)
}

// next is the next line of output.
func (f *followProc) next() string {
	f.t.Helper()
	return f.nextAt().text
}

// nextAt is the next line of output and when it came.
func (f *followProc) nextAt() timedLine {
	f.t.Helper()
	select {
	case l, ok := <-f.lines:
		if !ok {
			f.t.Fatalf("%s ended; stderr:\n%s", strings.Join(f.cmd.Args, " "), f.stderr.String())
		}
		return l
	case <-time.After(testenv.WaitLimit):
		f.t.Fatalf("no line from %s; stderr:\n%s", strings.Join(f.cmd.Args, " "), f.stderr.String())
	}
	return timedLine{}
}

// nextJSON is the next line, which must be a `now --json` object.
func (f *followProc) nextJSON() nowplaying.JSON {
	f.t.Helper()
	l := f.next()
	var j nowplaying.JSON
	if err := json.Unmarshal([]byte(l), &j); err != nil {
		f.t.Fatalf("not a JSON line: %q", l)
	}
	return j
}

// exitCode waits for the process to end.
func (f *followProc) exitCode() int {
	f.t.Helper()
	select {
	case <-f.done:
	case <-time.After(testenv.WaitLimit):
		f.t.Fatalf("%s did not exit; stderr:\n%s", strings.Join(f.cmd.Args, " "), f.stderr.String())
	}
	return f.cmd.ProcessState.ExitCode()
}

const (
	trackText   = "Dancing Queen — ABBA"
	episodeText = "The Giant Beastcast: Episode 0 — The Giant Beastcast"
)

// Two readers follow a running tray: a change reaches both after one
// poll of the tray's, and the readers call Spotify not once (they are
// pointed at a second simulated Spotify, which would log any call).
func TestFollowFromTheTray(t *testing.T) {
	t.Parallel()
	p, fake := startPlaying(t, fakespotify.Options{})
	spy := fakespotify.NewTestServer(t, fakespotify.Options{})
	env := []string{"SPOTRAY_API_URL=" + spy.URL(), "SPOTRAY_ACCOUNTS_URL=" + spy.URL()}
	a := startFollow(t, p.h, env, "now", "--follow")
	b := startFollow(t, p.h, env, "now", "--follow", "--format", "{kind}: {title}")
	if j := a.nextJSON(); j.Text != trackText || j.Kind != "track" {
		t.Fatalf("first line %+v", j)
	}
	if l := b.next(); l != "track: Dancing Queen" {
		t.Fatalf("first line %q", l)
	}

	before := len(fake.Requests(currentlyPlaying))
	fake.SetCurrentlyPlaying(playing(t, fakespotify.FixtureEpisode, true))
	if j := a.nextJSON(); j.Text != episodeText || !j.Playing {
		t.Fatalf("after the change %+v", j)
	}
	if l := b.next(); l != "episode: The Giant Beastcast: Episode 0" {
		t.Fatalf("after the change %q", l)
	}
	if polls := len(fake.Requests(currentlyPlaying)) - before; polls > 1 {
		t.Errorf("the change took %d polls of the tray's to reach the readers, want 1", polls)
	}
	if n := len(spy.Requests(currentlyPlaying)) + len(spy.Requests("/api/token")); n != 0 {
		t.Errorf("the readers called Spotify %d times", n)
	}
	checkNoTokensLeaked(t, p, fake)
}

// Without a tray, --follow polls Spotify itself, prints each change, and
// ends with exit 0 when its reader goes away or on SIGTERM.
func TestFollowWithoutTray(t *testing.T) {
	t.Parallel()
	fake := fakespotify.NewTestServer(t, fakespotify.Options{})
	fake.SetCurrentlyPlaying(playing(t, fakespotify.FixtureTrack, true))
	h := trayHome(t, fake)
	h.seedLogin()

	f := startFollow(t, h, nil, "now", "--follow")
	if j := f.nextJSON(); j.Text != trackText {
		t.Fatalf("first line %+v", j)
	}
	if len(fake.Requests(currentlyPlaying)) == 0 {
		t.Fatal("a line came without a call to Spotify")
	}
	fake.SetCurrentlyPlaying(playing(t, fakespotify.FixtureEpisode, true))
	if j := f.nextJSON(); j.Text != episodeText {
		t.Fatalf("after the change %+v", j)
	}
	// The reader goes away, as `| head -1` does, while nothing changes.
	f.stdout.Close()
	if code := f.exitCode(); code != 0 {
		t.Errorf("exit %d after stdout closed", code)
	}

	g := startFollow(t, h, nil, "now", "--follow", "--waybar")
	g.next()
	g.cmd.Process.Signal(syscall.SIGTERM)
	if code := g.exitCode(); code != 0 {
		t.Errorf("exit %d on SIGTERM", code)
	}
}

func TestFormatUsageErrors(t *testing.T) {
	t.Parallel()
	h := newHome(t, nil)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"now", "--format", "{titel}"}, "unknown placeholder {titel} (known: {kind}, {playing}, {title},"},
		{[]string{"now", "--follow", "--format", "{title"}, "no closing brace"},
		{[]string{"now", "--format", "{title}", "--escape", "html"}, "known: none, pango"},
		{[]string{"now", "--escape", "pango"}, "add --format"},
		{[]string{"now", "--json", "--waybar"}, "cannot be combined"},
	} {
		_, errOut, code := h.run(tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q", tc.args, code, errOut, tc.want)
		}
	}
	// Neither a tray nor a login: it says how to get one.
	_, errOut, code := h.run("now", "--follow")
	if code != 1 || !strings.Contains(errOut, "spotray login") {
		t.Errorf("now --follow without a login: exit %d, stderr %q", code, errOut)
	}
}

// readmeSection is the text of README.md under the heading title.
func readmeSection(t *testing.T, title string) string {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "\n"+title+"\n")
	if !ok {
		t.Fatalf("README.md has no heading %q", title)
	}
	if i := regexp.MustCompile(`\n#{1,3} `).FindStringIndex(rest); i != nil {
		rest = rest[:i[0]]
	}
	return rest
}

// codeBlock is the first fenced block of section in language lang.
func codeBlock(t *testing.T, section, lang string) string {
	t.Helper()
	m := regexp.MustCompile("(?s)```" + lang + "\n(.*?)```").FindStringSubmatch(section)
	if m == nil {
		t.Fatalf("no ```%s block in:\n%s", lang, section)
	}
	return m[1]
}

// The status bar snippets in README.md, run as the bars run them (sh -c)
// against the real binary and the simulated Spotify.
func TestReadmeStatusBarSnippets(t *testing.T) {
	t.Parallel()
	fake := fakespotify.NewTestServer(t, fakespotify.Options{})
	fake.SetCurrentlyPlaying(playing(t, fakespotify.FixtureTrack, true))
	h := trayHome(t, fake)
	h.seedLogin()
	path := "PATH=" + filepath.Dir(h.bin) + string(os.PathListSeparator) + os.Getenv("PATH")

	waybarBlock := codeBlock(t, readmeSection(t, "### waybar"), "json")
	var waybar struct {
		Modules []string `json:"modules-right"`
		Module  struct {
			Exec       string `json:"exec"`
			ReturnType string `json:"return-type"`
		} `json:"custom/spotray"`
	}
	if err := json.Unmarshal([]byte(waybarBlock), &waybar); err != nil {
		t.Fatalf("the waybar snippet is not valid JSON: %v\n%s", err, waybarBlock)
	}
	mod := waybar.Module
	if mod.ReturnType != "json" || len(waybar.Modules) != 1 || waybar.Modules[0] != "custom/spotray" {
		t.Errorf("the waybar snippet: %+v", waybar)
	}
	line := func(block, re string) string {
		m := regexp.MustCompile(`(?m)` + re).FindStringSubmatch(block)
		if m == nil {
			t.Fatalf("no %s in:\n%s", re, block)
		}
		return m[1]
	}
	polybar := line(codeBlock(t, readmeSection(t, "### polybar"), "ini"), `^exec = (.*)$`)
	i3blocks := line(codeBlock(t, readmeSection(t, "### i3blocks"), "ini"), `^command=(.*)$`)
	tmux := line(codeBlock(t, readmeSection(t, "### tmux"), "tmux"), `#\((.*?)\)`)

	for _, tc := range []struct {
		bar, command string
		check        func(t *testing.T, line string)
	}{
		{"waybar", mod.Exec, func(t *testing.T, line string) {
			var w map[string]any
			if err := json.Unmarshal([]byte(line), &w); err != nil {
				t.Fatalf("not JSON: %q", line)
			}
			for _, k := range []string{"text", "tooltip", "class", "alt", "percentage"} {
				if _, ok := w[k]; !ok {
					t.Errorf("no %q in %s", k, line)
				}
			}
			if w["text"] != trackText || w["class"] != "playing" {
				t.Errorf("waybar line %s", line)
			}
		}},
		{"polybar", polybar, func(t *testing.T, line string) {
			if line != trackText {
				t.Errorf("%q", line)
			}
		}},
		{"i3blocks", i3blocks, func(t *testing.T, line string) {
			if line != trackText {
				t.Errorf("%q", line)
			}
		}},
		{"tmux", tmux, func(t *testing.T, line string) {
			if line != trackText {
				t.Errorf("%q", line)
			}
		}},
	} {
		t.Run(tc.bar, func(t *testing.T) {
			cmd := exec.Command("sh", "-c", tc.command)
			cmd.Env = append(h.environ(), path)
			cmd.Dir = h.root
			f := startCommand(t, cmd)
			tc.check(t, f.next())
		})
	}
}

// pngServer serves an image as Spotify's CDN would.
func pngServer(t *testing.T) string {
	t.Helper()
	img, err := os.ReadFile("../../assets/spotray.png")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(img)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/image/cover"
}

// The on_change hook runs on a change with what plays in its environment,
// the album art as a file, and neither a token nor the client secret.
func TestOnChangeHookFromTheTray(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	fake := fakespotify.NewTestServer(t, fakespotify.Options{})
	fake.SetCurrentlyPlaying(playing(t, fakespotify.FixtureTrack, true))
	h := trayHome(t, fake)
	h.seedLogin()
	out := filepath.Join(h.root, "hook.env")
	script := filepath.Join(h.root, "hook.sh")
	os.WriteFile(script, []byte("#!/bin/sh\nenv > \"$1.tmp\" && mv \"$1.tmp\" \"$1\"\n"), 0o700)
	os.WriteFile(h.Paths.ConfigFile(), []byte("poll_interval = 2\non_change = [\""+script+"\", \""+out+"\"]\n"), 0o600)
	const secret = "hook-must-not-see-this-secret"
	h.Env = append(h.Env, "SPOTIFY_CLIENT_SECRET="+secret)
	p := startTray(t, h, d)
	p.item().WaitMenu(playingMenu...)
	// The track playing at start is not announced; the next one is.
	var doc map[string]any
	json.Unmarshal(playing(t, fakespotify.FixtureTrack, true), &doc)
	item := doc["item"].(map[string]any)
	item["name"], item["uri"], item["id"] = "Hook Test", "spotify:track:hooktest", "hooktest"
	item["album"].(map[string]any)["images"] = []any{map[string]any{"url": pngServer(t), "width": 640, "height": 640}}
	body, _ := json.Marshal(doc)
	fake.SetCurrentlyPlaying(body)

	t.Cleanup(func() {
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(h.Paths.StateDir, "spotray.log"))
			t.Logf("spotray.log:\n%s", log)
		}
	})
	var env []string
	testenv.WaitFor(t, "the hook's run", func() bool {
		data, err := os.ReadFile(out)
		env = strings.Split(string(data), "\n")
		return err == nil
	})
	get := func(k string) string {
		for _, kv := range env {
			if v, ok := strings.CutPrefix(kv, k+"="); ok {
				return v
			}
		}
		t.Errorf("no %s in the hook's environment", k)
		return ""
	}
	for k, want := range map[string]string{"SPOTRAY_TITLE": "Hook Test", "SPOTRAY_ARTISTS": "ABBA",
		"SPOTRAY_ALBUM": "Arrival", "SPOTRAY_KIND": "track", "SPOTRAY_PLAYING": "true"} {
		if got := get(k); got != want {
			t.Errorf("%s=%q, want %q", k, got, want)
		}
	}
	if u := get("SPOTRAY_URL"); !strings.HasPrefix(u, "https://open.spotify.com/track/") {
		t.Errorf("SPOTRAY_URL=%q", u)
	}
	if u := get("SPOTRAY_URI"); u != "spotify:track:hooktest" {
		t.Errorf("SPOTRAY_URI=%q", u)
	}
	art := get("SPOTRAY_ART_PATH")
	if fi, err := os.Stat(art); err != nil || !strings.HasPrefix(art, h.Paths.CacheDir) || fi.Size() == 0 {
		t.Errorf("SPOTRAY_ART_PATH=%q: %v", art, err)
	}
	all := strings.Join(env, "\n")
	if strings.Contains(all, secret) {
		t.Error("the client secret reached the hook")
	}
	for _, tok := range fake.IssuedTokens() {
		if strings.Contains(all, tok) {
			t.Error("a token reached the hook")
		}
	}
}
