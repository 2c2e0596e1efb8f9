package main_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/spotray/spotray/internal/fakespotify"
	"github.com/spotray/spotray/internal/testenv"
)

// crafted is the track fixture, playing, with its item changed by edit: the
// envelope stays what Spotify really sends. Each gets its own URI, so the
// tray takes each for a new track.
func crafted(t *testing.T, uri string, edit func(doc, item map[string]any)) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(fakespotify.Fixture(fakespotify.FixtureTrack), &doc); err != nil {
		t.Fatal(err)
	}
	doc["is_playing"] = true
	item := doc["item"].(map[string]any)
	item["uri"] = uri
	edit(doc, item)
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// names sets the item's name, its artists' names and its album's name.
func names(title string, artists []string, album string) func(doc, item map[string]any) {
	return func(_, item map[string]any) {
		item["name"] = title
		as := []any{}
		for _, a := range artists {
			as = append(as, map[string]any{"name": a, "type": "artist"})
		}
		item["artists"] = as
		item["album"].(map[string]any)["name"] = album
	}
}

// TestTrayHostileMetadata plays, one after another, items whose text and
// shape would break a naive tray: mnemonic and markup characters, line
// breaks, direction overrides, 10,000 characters, nothing at all, missing
// parts, a local file, fields and types Spotify may add one day. The menu a
// panel reads over D-Bus and the notifications a daemon receives must show
// each safely, and the tray must stay up through all of them.
func TestTrayHostileMetadata(t *testing.T) {
	t.Parallel()
	long := func(pair string) string { return strings.Repeat(pair, 5000) } // 10,000 characters
	for _, tc := range []struct {
		name string
		body []byte
		// playing and album are the menu entries as dbusmenu carries
		// them ("" album: no album entry).
		playing, album string
		unsaveable     bool // the like row is disabled (local files, unknown items)
		// summary and body are the notification; "" summary: none.
		summary, noteBody string
	}{
		{
			name:    "mnemonic characters",
			body:    crafted(t, "spotify:track:mnemonic", names("Rock_n_Roll & Co_", []string{"AC_DC & Friends"}, "Best_Of & More")),
			playing: "Rock__n__Roll & Co__ — AC__DC & Friends", album: "Best__Of & More (disabled)",
			summary: "Rock_n_Roll & Co_", noteBody: "AC_DC &amp; Friends\nBest_Of &amp; More",
		},
		{
			name: "markup",
			body: crafted(t, "spotify:track:markup", names("<b>Bold</b> & <i>x</i>", []string{"<script>alert(1)</script>"},
				`<a href="https://evil.example">link</a>`)),
			playing: "<b>Bold</b> & <i>x</i> — <script>alert(1)</script>",
			album:   `<a href="https://evil.example">link</a> (disabled)`,
			// The summary is plain text by the specification; the body is
			// markup for this daemon, so it arrives escaped.
			summary:  "<b>Bold</b> & <i>x</i>",
			noteBody: "&lt;script&gt;alert(1)&lt;/script&gt;\n&lt;a href=\"https://evil.example\"&gt;link&lt;/a&gt;",
		},
		{
			name:    "line breaks",
			body:    crafted(t, "spotify:track:newlines", names("Line one\nLine two\r\n\tthree", []string{"A\nB"}, "X\u2028Y")),
			playing: "Line one Line two three — A B", album: "X Y (disabled)",
			summary: "Line one Line two three", noteBody: "A B\nX Y",
		},
		{
			name:    "direction marks and overrides",
			body:    crafted(t, "spotify:track:bidi", names("\u200Fabc\u202Edef", []string{"\u200Fxyz"}, "q\u202Er")),
			playing: "abcdef — xyz", album: "qr (disabled)",
			summary: "abcdef", noteBody: "xyz\nqr",
		},
		{
			name: "10,000 characters",
			body: crafted(t, "spotify:track:long", names(long("Ab"), []string{long("Cd")}, long("Ef"))),
			// 59 characters and an ellipsis.
			playing: strings.Repeat("Ab", 29) + "A…", album: strings.Repeat("Ef", 29) + "E… (disabled)",
			// Spotify's text is kept to 200 characters.
			summary:  strings.Repeat("Ab", 99) + "A…",
			noteBody: strings.Repeat("Cd", 99) + "C…\n" + strings.Repeat("Ef", 99) + "E…",
		},
		{
			name: "unknown fields and an unknown type",
			body: crafted(t, "spotify:audiobook:chapter", func(doc, item map[string]any) {
				names("Chapter One", []string{"Narrator"}, "Book")(doc, item)
				doc["currently_playing_type"] = "audiobook"
				doc["smart_shuffle"] = map[string]any{"state": []any{1, "two", nil, map[string]any{}}}
				item["type"] = "audiobook"
				item["chapters"] = []any{map[string]any{"name": "One", "duration_ms": -1}}
			}),
			// Shown, without an album, and not announced: only tracks
			// and episodes are.
			playing: "Chapter One — Narrator", unsaveable: true,
		},
		{
			name:    "empty strings",
			body:    crafted(t, "spotify:track:empty", names("", []string{""}, "")),
			playing: "Untitled",
			summary: "Now playing", noteBody: "",
		},
		{
			name:    "no artists",
			body:    crafted(t, "spotify:track:solo", names("Solo", nil, "Arrival")),
			playing: "Solo", album: "Arrival (disabled)",
			summary: "Solo", noteBody: "Arrival",
		},
		{
			name: "null album",
			body: crafted(t, "spotify:track:albumless", func(_, item map[string]any) {
				item["name"] = "Albumless"
				item["album"] = nil
			}),
			playing: "Albumless — ABBA",
			summary: "Albumless", noteBody: "ABBA",
		},
		{
			name: "null images",
			body: crafted(t, "spotify:track:imageless", func(_, item map[string]any) {
				item["name"] = "Imageless"
				item["album"].(map[string]any)["images"] = nil
			}),
			playing: "Imageless — ABBA", album: "Arrival (disabled)",
			summary: "Imageless", noteBody: "ABBA\nArrival",
		},
		{
			name:    "local file",
			body:    fakespotify.Fixture(fakespotify.FixtureLocalFile),
			playing: "Run Boy Run — Woodkid (disabled)", album: "The Golden Age (disabled)", unsaveable: true,
			summary: "Run Boy Run", noteBody: "Woodkid\nThe Golden Age",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, fake := startPlaying(t, fakespotify.Options{})
			d := p.d

			fake.SetCurrentlyPlaying(tc.body)
			like := saveSong
			if tc.unsaveable {
				like = cannotSave
			}
			p.item().WaitMenu(connectedMenu(loadedRows(tc.playing, tc.album, "Pause", like)...)...)
			checkShownSafely(t, p)
			if tc.summary == "" {
				// The next item is announced, and it is the first.
				fake.SetCurrentlyPlaying(fakespotify.Fixture(fakespotify.FixtureLocalFile))
				if _, idx := p.waitNote(0, "Run Boy Run"); idx != 0 {
					t.Errorf("notifications for an item that is neither track nor episode: %s", describeNotes(d.notes.Calls()))
				}
				return
			}
			n, idx := p.waitNote(0, tc.summary)
			if idx != 0 || n.Body != tc.noteBody {
				t.Errorf("notification %q / %q, want %q / %q; all: %s", n.Summary, n.Body, tc.summary, tc.noteBody,
					describeNotes(d.notes.Calls()))
			}
			if strings.ContainsAny(n.Summary, "\n\u202E\u200F") || utf8.RuneCountInString(n.Summary) > 200 {
				t.Errorf("notification summary %q: want one line of at most 200 characters without direction controls", n.Summary)
			}
			checkIcon(t, n)
		})
	}
}

// checkShownSafely checks every menu label and the tooltip as a panel gets
// them: single lines of at most 60 characters (dbusmenu's "__" counted as
// the one "_" it shows), without direction controls.
func checkShownSafely(t *testing.T, p *trayProc) {
	t.Helper()
	for _, e := range p.item().Menu() {
		shown := strings.ReplaceAll(e.Label, "__", "_")
		if strings.ContainsAny(e.Label, "\n\r\u202E\u200F") || utf8.RuneCountInString(shown) > 60 {
			t.Errorf("menu label %q", e.Label)
		}
	}
	tip := p.item().ToolTip()
	lines := strings.Split(tip, "\n")
	for _, l := range lines {
		if strings.ContainsAny(l, "\r\u202E\u200F") || utf8.RuneCountInString(l) > 60 {
			t.Errorf("tooltip line %q", l)
		}
	}
	if len(lines) > 2 {
		t.Errorf("tooltip %q: more lines than the item and its album", tip)
	}
}

// cliLogin is a running `spotray login --no-browser`.
type cliLogin struct {
	cmd      *exec.Cmd
	cancel   context.CancelFunc
	authURL  string
	callback *url.URL // its redirect URI, on its own port
	printed  strings.Builder
	stderr   io.Reader
}

// startLogin starts `spotray login --no-browser` and reads the address it
// asks the user to open.
func startLogin(t *testing.T, h *home) *cliLogin {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	l := &cliLogin{cmd: h.command(ctx, "login", "--no-browser"), cancel: cancel}
	t.Cleanup(cancel)
	stderr, err := l.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	l.stderr = stderr
	if err := l.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stderr)
	for l.authURL == "" && lines.Scan() {
		l.printed.WriteString(lines.Text() + "\n")
		if s := strings.TrimSpace(lines.Text()); strings.HasPrefix(s, h.fake.URL()+"/authorize?") {
			l.authURL = s
		}
	}
	if l.authURL == "" {
		t.Fatalf("login printed no authorize URL:\n%s", l.printed.String())
	}
	u, _ := url.Parse(l.authURL)
	if l.callback, err = url.Parse(u.Query().Get("redirect_uri")); err != nil {
		t.Fatal(err)
	}
	return l
}

// at is target (a callback URL with its query) sent to l's listener.
func (l *cliLogin) at(target *url.URL) string {
	u := *target
	u.Host = l.callback.Host
	return u.String()
}

// redirectFromSpotify is where Spotify's consent sends the browser back
// to, with the code and state, without following it.
func redirectFromSpotify(t *testing.T, authURL string) *url.URL {
	t.Helper()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := resp.Location()
	if err != nil || loc.Query().Get("code") == "" {
		t.Fatalf("consent answered %d to %v (%v)", resp.StatusCode, loc, err)
	}
	return loc
}

// TestLoginRefusesHostileCallbacks fires at the live callback listener of
// `spotray login --no-browser` what a stale tab, a second login, a page
// using DNS rebinding and a fuzzer would send. Each is refused with a page
// and no token exchange, and the real callback still completes the login.
func TestLoginRefusesHostileCallbacks(t *testing.T) {
	t.Parallel()
	fake := fakespotify.NewTestServer(t, fakespotify.Options{AutoApprove: true})
	h := newHome(t, fake)
	h.Env = append(h.Env, anyPort)
	first := startLogin(t, h)
	second := startLogin(t, h) // a second, concurrent `spotray login`
	own := redirectFromSpotify(t, first.authURL)
	other := redirectFromSpotify(t, second.authURL)

	refused := func(what string, req *http.Request, status int, says string) {
		t.Helper()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != status || !strings.Contains(string(page), says) {
			t.Errorf("%s: HTTP %d, want %d saying %q:\n%s", what, resp.StatusCode, status, says, page)
		}
		if n := fake.Stats().Exchanges; n != 0 {
			t.Fatalf("%s: %d code exchanges", what, n)
		}
	}
	get := func(target string) *http.Request {
		req, err := http.NewRequest(http.MethodGet, target, nil)
		if err != nil {
			t.Fatal(err)
		}
		return req
	}

	// The second login's callback, code and state, at the first's
	// listener: its state belongs to the other login.
	refused("the other login's callback", get(first.at(other)), http.StatusBadRequest, "does not belong to the login")
	// The right callback, but under a name that resolves to 127.0.0.1
	// on a hostile page (DNS rebinding).
	rebound := get(first.at(own))
	rebound.Host = "rebind.example:" + first.callback.Port()
	refused("a foreign Host header", rebound, http.StatusBadRequest, "only answers requests addressed to its own address")
	// The right callback padded to sizes no redirect from Spotify has.
	padded := *own
	q := padded.Query()
	q.Set("padding", strings.Repeat("a", 16<<10))
	padded.RawQuery = q.Encode()
	refused("a 16 KB query", get(first.at(&padded)), http.StatusBadRequest, "far too long")
	// Past the server's header limit, net/http answers 431 and hangs up,
	// which the client may see as a reset while it still writes: either
	// way nothing is exchanged and the listener goes on.
	q.Set("padding", strings.Repeat("a", 100<<10))
	padded.RawQuery = q.Encode()
	if resp, err := http.Get(first.at(&padded)); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("a 100 KB query: HTTP %d, want %d", resp.StatusCode, http.StatusRequestHeaderFieldsTooLarge)
		}
	}
	if n := fake.Stats().Exchanges; n != 0 {
		t.Fatalf("a 100 KB query: %d code exchanges", n)
	}

	// The real callback completes the first login.
	resp, err := http.Get(first.at(own))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	rest, _ := io.ReadAll(first.stderr)
	if err := first.cmd.Wait(); err != nil || resp.StatusCode != http.StatusOK || !strings.Contains(string(page), "Connected as") {
		t.Fatalf("login: %v, HTTP %d:\n%s\n%s%s", err, resp.StatusCode, page, first.printed.String(), rest)
	}

	// Replayed: the same callback again finds the first listener gone,
	// and the second login refuses it as a stranger.
	if resp, err := http.Get(first.at(own)); err == nil {
		resp.Body.Close()
		t.Errorf("the finished login's listener still answers: HTTP %d", resp.StatusCode)
	}
	if n := fake.Stats().Exchanges; n != 1 {
		t.Fatalf("%d code exchanges after the login, want 1", n)
	}
	resp, err = http.Get(second.at(own))
	if err != nil {
		t.Fatal(err)
	}
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(page), "does not belong to the login") {
		t.Errorf("replayed callback at the second login: HTTP %d:\n%s", resp.StatusCode, page)
	}
	if n := fake.Stats().Exchanges; n != 1 {
		t.Errorf("%d code exchanges, want the 1 of the completed login", n)
	}
	second.cancel()
	second.cmd.Wait()
	if tok := h.stored(); !fake.Accepts(tok.AccessToken) {
		t.Error("the stored login does not work")
	}
}

// TestTrayTokenFileTooOpen: a token.json others may read (copied by hand,
// restored from a backup) is made private at start, with a warning.
func TestTrayTokenFileTooOpen(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	fake := fakespotify.NewTestServer(t, fakespotify.Options{})
	fake.SetCurrentlyPlaying(playing(t, fakespotify.FixtureTrack, true))
	h := trayHome(t, fake)
	h.seedLogin()
	path := filepath.Join(h.Paths.ConfigDir, "token.json")
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	p := startTray(t, h, d)
	p.item().WaitMenu(playingMenu...)
	if err := testenv.CheckPerm(path, 0o600); err != nil {
		t.Error(err)
	}
	const warning = "token file was readable by other users; made it private"
	logData, _ := os.ReadFile(filepath.Join(h.Paths.StateDir, "spotray.log"))
	if !strings.Contains(string(logData), warning) || !strings.Contains(p.out.String(), warning) {
		t.Errorf("no warning in the log file and on stderr:\n%s", logData)
	}
}

// TestTrayCorruptTokenFile: an unreadable token.json is set aside as
// token.json.bad, said in the menu, the tooltip and a notification, and
// connecting again works.
func TestTrayCorruptTokenFile(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	fake := fakespotify.NewTestServer(t, fakespotify.Options{AutoApprove: true})
	fake.SetCurrentlyPlaying(playing(t, fakespotify.FixtureTrack, true))
	h := trayHome(t, fake)
	h.seedLogin()
	path := filepath.Join(h.Paths.ConfigDir, "token.json")
	corrupt := []byte(`{"client_id": "` + fakespotify.DefaultClientID + `", "access_token": "BQ`) // cut short by a full disk
	if err := os.WriteFile(path, corrupt, 0o600); err != nil {
		t.Fatal(err)
	}
	p := startTray(t, h, d)
	const problem = "The stored login was unusable: connect again"
	p.item().WaitMenu("Connect Spotify", problem+" (disabled)", "---", "[x] Notifications", "[ ] Launch at login", "---", "Quit")
	if tip := p.item().ToolTip(); !strings.Contains(tip, problem) {
		t.Errorf("tooltip %q", tip)
	}
	n, _ := p.waitNote(0, "spotray cannot use its stored login")
	if !strings.Contains(n.Body, "token.json.bad") || !strings.Contains(n.Body, "Connect Spotify") {
		t.Errorf("notification body %q: want where the file went and what to do", n.Body)
	}
	if kept, err := os.ReadFile(path + ".bad"); err != nil || !slices.Equal(kept, corrupt) {
		t.Errorf("token.json.bad: %q (%v), want the corrupt file as it was", kept, err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("token.json still there: %v", err)
	}

	p.item().Click("Connect Spotify")
	p.consent(1)
	p.item().WaitMenu(playingMenu...)
	if calls := d.notes.Calls(); len(calls) != 2 {
		t.Errorf("want the notification about the file, then the one about the login: %s", describeNotes(calls))
	}
}
