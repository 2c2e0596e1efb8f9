package hook

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/nowplaying"
)

// script writes an executable shell script: the hook under test is a real
// process.
func script(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "hook.sh")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body), 0o700); err != nil {
		t.Fatal(err)
	}
	return path
}

// logBuffer is a logger whose lines the test reads.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newRunner(env ...string) (*Runner, *logBuffer) {
	lb := &logBuffer{}
	return &Runner{
		Log:     slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Environ: func() []string { return env },
		After:   func(time.Duration) <-chan time.Time { return nil }, // never, unless a test says
	}, lb
}

type fakeArt map[string]string

func (a fakeArt) Get(_ context.Context, url string) (string, error) {
	if p, ok := a[url]; ok {
		return p, nil
	}
	return "", os.ErrNotExist
}

var track = nowplaying.JSON{Kind: "track", Playing: true, Title: "Dancing Queen", Artists: []string{"ABBA", "Guest"},
	Album: "Arrival", URI: "spotify:track:1", URL: "https://open.spotify.com/track/1"}

func TestEnvironment(t *testing.T) {
	out := filepath.Join(t.TempDir(), "env")
	r, _ := newRunner("PATH="+os.Getenv("PATH"), "KEEP=me", "SPOTIFY_CLIENT_SECRET=s3cret", "SPOTRAY_TITLE=stale")
	r.Art = fakeArt{"https://i.scdn.co/image/1": "/cache/art/1.jpg"}
	for _, tc := range []struct {
		job  Job
		want []string
	}{
		{Job{Now: track, ImageURL: "https://i.scdn.co/image/1"}, []string{
			"KEEP=me", "SPOTRAY_TITLE=Dancing Queen", "SPOTRAY_ARTISTS=ABBA, Guest", "SPOTRAY_ALBUM=Arrival",
			"SPOTRAY_URI=spotify:track:1", "SPOTRAY_URL=https://open.spotify.com/track/1", "SPOTRAY_KIND=track",
			"SPOTRAY_PLAYING=true", "SPOTRAY_ART_PATH=/cache/art/1.jpg"}},
		{Job{Now: nowplaying.JSON{Kind: "ad"}, ImageURL: "https://i.scdn.co/image/missing"}, []string{
			"SPOTRAY_TITLE=", "SPOTRAY_ARTISTS=", "SPOTRAY_KIND=ad", "SPOTRAY_PLAYING=false", "SPOTRAY_ART_PATH="}},
	} {
		tc.job.Argv = []string{script(t, `env > "$1"`), out}
		r.run(context.Background(), tc.job)
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Split(strings.TrimSpace(string(data)), "\n")
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("the hook's environment lacks %q:\n%s", w, data)
			}
		}
		if bytes.Contains(data, []byte("s3cret")) || bytes.Contains(data, []byte("stale")) {
			t.Errorf("the hook inherited the client secret or a stale SPOTRAY_ variable:\n%s", data)
		}
	}
}

// alive reports whether pid runs (a zombie has ended: nobody may reap it
// in a container without an init).
func alive(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	_, rest, _ := strings.Cut(string(stat), ") ")
	return !strings.HasPrefix(rest, "Z")
}

func readPID(t *testing.T, path string) int {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if b, err := os.ReadFile(path); err == nil && strings.HasSuffix(string(b), "\n") {
			pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
			if err != nil {
				t.Fatal(err)
			}
			return pid
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never appeared", path)
		}
	}
}

// A hook still running at the timeout is ended with the processes it
// started; the timeout is Timeout, and the fake clock decides when it hits.
func TestTimeoutEndsTheHookAndItsChildren(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("needs /proc to see processes")
	}
	dir := t.TempDir()
	r, lb := newRunner("PATH=" + os.Getenv("PATH"))
	fire := make(chan time.Time, 1)
	var asked time.Duration
	r.After = func(d time.Duration) <-chan time.Time { asked = d; return fire }
	argv := []string{script(t, `sleep 300 & echo $! > "$1/child"; echo $$ > "$1/parent"; wait`), dir}
	ran := make(chan struct{})
	go func() {
		r.run(context.Background(), Job{Argv: argv, Now: track})
		close(ran)
	}()
	parent, child := readPID(t, filepath.Join(dir, "parent")), readPID(t, filepath.Join(dir, "child"))
	if !alive(parent) || !alive(child) {
		t.Fatal("the hook ended by itself")
	}
	fire <- time.Now()
	<-ran
	if asked != Timeout || Timeout != 10*time.Second {
		t.Errorf("timeout %v", asked)
	}
	for deadline := time.Now().Add(10 * time.Second); alive(parent) || alive(child); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("still running after the timeout: hook %v, its child %v", alive(parent), alive(child))
		}
	}
	if !strings.Contains(lb.String(), "ran longer than 10s and was stopped") {
		t.Errorf("log: %s", lb.String())
	}
}

// Changes that come while the hook runs wait; only the newest runs next.
func TestOneRunAtATimeNewestWaitingWins(t *testing.T) {
	dir := t.TempDir()
	logFile := filepath.Join(dir, "log")
	r, _ := newRunner("PATH=" + os.Getenv("PATH"))
	argv := []string{script(t, `
echo "start $SPOTRAY_TITLE" >> "$1/log"
while [ ! -e "$1/release-$SPOTRAY_TITLE" ]; do sleep 0.01; done
echo "end $SPOTRAY_TITLE" >> "$1/log"
`), dir}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.Run(ctx)
	job := func(title string) Job { return Job{Argv: argv, Now: nowplaying.JSON{Kind: "track", Title: title}} }
	read := func() string { b, _ := os.ReadFile(logFile); return string(b) }
	waitLog := func(want string) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); read() != want; time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("log %q, want %q", read(), want)
			}
		}
	}
	release := func(title string) { os.WriteFile(filepath.Join(dir, "release-"+title), nil, 0o600) }

	r.Send(job("A"))
	waitLog("start A\n")
	r.Send(job("B"))
	r.Send(job("C"))
	r.Send(job("D"))
	release("B")
	release("C")
	time.Sleep(50 * time.Millisecond) // room for a second run to start, which must not
	if got := read(); got != "start A\n" {
		t.Fatalf("a second run started during the first: %q", got)
	}
	release("A")
	waitLog("start A\nend A\nstart D\n")
	release("D")
	waitLog("start A\nend A\nstart D\nend D\n")
}

func TestFailuresAreLogged(t *testing.T) {
	r, lb := newRunner("PATH=" + os.Getenv("PATH"))
	ctx := context.Background()
	r.run(ctx, Job{Argv: []string{script(t, "echo 'no such player' >&2; exit 3")}, Now: track})
	if s := lb.String(); !strings.Contains(s, "exit status 3") || !strings.Contains(s, "no such player") {
		t.Errorf("exit code and stderr not logged: %s", s)
	}
	for range 3 {
		r.run(ctx, Job{Argv: []string{"spotray-no-such-program"}, Now: track})
		r.run(ctx, Job{Argv: []string{"/nonexistent/notify"}, Now: track})
	}
	s := lb.String()
	for _, p := range []string{`\"spotray-no-such-program\" not found`, `\"/nonexistent/notify\" not found`} {
		if n := strings.Count(s, p); n != 1 {
			t.Errorf("%s logged %d times: %s", p, n, s)
		}
	}
	if !strings.Contains(s, "give its full path in on_change in config.toml") {
		t.Errorf("the fix is not in the log: %s", s)
	}
}
