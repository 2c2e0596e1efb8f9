package login

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/config"
	"github.com/spotray/spotray/internal/fakespotify"
)

// browse plays a browser that follows redirects, in the background as a
// real one would; the page it ends on arrives on the returned channel.
func browse(t *testing.T, u string) <-chan string {
	t.Helper()
	page := make(chan string, 1)
	go func() {
		resp, err := http.Get(u)
		if err != nil {
			page <- "error: " + err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		page <- string(b)
	}()
	return page
}

// redirectOf returns the redirect URI and state of an authorize URL.
func redirectOf(t *testing.T, authorizeURL string) (*url.URL, string) {
	t.Helper()
	u, err := url.Parse(authorizeURL)
	if err != nil {
		t.Fatal(err)
	}
	r, err := url.Parse(u.Query().Get("redirect_uri"))
	if err != nil {
		t.Fatal(err)
	}
	return r, u.Query().Get("state")
}

// portFree fails unless hostport can be bound again, i.e. the login's
// listener is closed.
func portFree(t *testing.T, hostport string) {
	t.Helper()
	ln, err := net.Listen("tcp", hostport)
	if err != nil {
		t.Fatalf("listener still open after the login: %v", err)
	}
	ln.Close()
}

// freePort returns a port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func TestRun(t *testing.T) {
	fake := fakespotify.NewTestServer(t, fakespotify.Options{AutoApprove: true})
	var out bytes.Buffer
	var opened string
	var page <-chan string
	res, err := Run(context.Background(), Options{
		Paths: testPaths(t), Config: testConfig(fake), Out: &out,
		Open: func(u string) {
			opened = u
			redirect, _ := redirectOf(t, u)
			// Only the loopback address the redirect URI names answers.
			for _, other := range []string{"127.0.0.2", "::1"} {
				if c, err := net.Dial("tcp", net.JoinHostPort(other, redirect.Port())); err == nil {
					c.Close()
					t.Errorf("the callback listener answers on %s", other)
				}
			}
			page = browse(t, u)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(<-page, "Connected as Demo Listener") {
		t.Errorf("the browser did not end on the success page")
	}
	if want := "Opening your browser... If it does not open, visit:\n  " + opened + "\n"; out.String() != want {
		t.Errorf("printed %q, want %q", out.String(), want)
	}
	if !strings.HasPrefix(opened, fake.URL()+"/authorize?") {
		t.Errorf("opened %q", opened)
	}
	redirect, _ := redirectOf(t, opened)
	if redirect.Hostname() != "127.0.0.1" || redirect.Port() == "0" || redirect.Port() == "" || redirect.Path != "/callback" {
		t.Errorf("redirect URI %q: want 127.0.0.1 with the port bound for port 0", redirect)
	}
	if res.Token.User != fakespotify.DefaultDisplayName || res.Config.ClientID != fakespotify.DefaultClientID {
		t.Errorf("result user %q, client %q", res.Token.User, res.Config.ClientID)
	}
	portFree(t, redirect.Host)
}

// TestRunFixedPort: a redirect URI with a port is used verbatim, so that it
// matches the dashboard's exactly.
func TestRunFixedPort(t *testing.T) {
	uri := "http://127.0.0.1:" + strconv.Itoa(freePort(t)) + "/spotray/cb"
	fake := fakespotify.NewTestServer(t, fakespotify.Options{AutoApprove: true, Apps: []fakespotify.App{
		{ClientID: fakespotify.DefaultClientID, RedirectURIs: []string{uri}},
	}})
	cfg := testConfig(fake)
	cfg.RedirectURI = uri
	var page <-chan string
	_, err := Run(context.Background(), Options{
		Paths: testPaths(t), Config: cfg, Out: io.Discard,
		Open: func(u string) { page = browse(t, u) },
	})
	if err != nil {
		t.Fatal(err)
	}
	<-page
	if got := fake.LastAuthorize().Get("redirect_uri"); got != uri {
		t.Errorf("redirect_uri %q, want %q", got, uri)
	}
	portFree(t, strings.TrimPrefix(strings.TrimSuffix(uri, "/spotray/cb"), "http://"))
}

func TestRunBusyPort(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	port := strconv.Itoa(busy.Addr().(*net.TCPAddr).Port)
	fake := fakespotify.NewTestServer(t, fakespotify.Options{})
	cfg := testConfig(fake)
	cfg.RedirectURI = "http://127.0.0.1:" + port + "/callback"
	paths := testPaths(t)
	_, err = Run(context.Background(), Options{
		Paths: paths, Config: cfg, Out: io.Discard,
		Open: func(string) { t.Error("browser opened although the port is busy") },
	})
	if !errors.Is(err, ErrPortUnavailable) {
		t.Fatalf("err = %v, want ErrPortUnavailable", err)
	}
	// The system's own words differ between systems and languages; its
	// error number does not.
	if !errors.Is(err, errAddrInUse) {
		t.Errorf("err = %v, want it to wrap %v", err, errAddrInUse)
	}
	for _, want := range []string{
		"port " + port, "redirect_uri", paths.ConfigFile(), "SPOTIFY_REDIRECT_URI",
		"http://127.0.0.1:8975/callback", "developer.spotify.com/dashboard",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error is not one line: %q", err)
	}
}

// TestRunEnds: whatever ends the login, the listener is closed afterwards.
func TestRunEnds(t *testing.T) {
	tests := []struct {
		name    string
		timeout time.Duration
		open    func(t *testing.T, u string, cancel context.CancelFunc)
		want    error
	}{
		{
			name: "declined",
			open: func(t *testing.T, u string, _ context.CancelFunc) {
				redirect, state := redirectOf(t, u)
				redirect.RawQuery = url.Values{"error": {"access_denied"}, "state": {state}}.Encode()
				browse(t, redirect.String())
			},
			want: ErrDeclined,
		},
		{
			name:    "timeout",
			timeout: 50 * time.Millisecond, // nobody answers; any length would do
			open:    func(*testing.T, string, context.CancelFunc) {},
			want:    ErrTimeout,
		},
		{
			name: "canceled",
			open: func(_ *testing.T, _ string, cancel context.CancelFunc) { cancel() },
			want: context.Canceled,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := fakespotify.NewTestServer(t, fakespotify.Options{AutoApprove: true})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var opened string
			res, err := Run(ctx, Options{
				Paths: testPaths(t), Config: testConfig(fake), Out: io.Discard, Timeout: tt.timeout,
				Open: func(u string) { opened = u; tt.open(t, u, cancel) },
			})
			if !errors.Is(err, tt.want) || res != nil {
				t.Fatalf("Run = %v, %v; want %v", res, err, tt.want)
			}
			redirect, _ := redirectOf(t, opened)
			portFree(t, redirect.Host)
		})
	}
}

func TestRunRefusesBadConfig(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*config.Config)
		want string
	}{
		{"malformed client ID", func(c *config.Config) { c.ClientID = "abc" }, "not 32 characters"},
		{"localhost redirect URI", func(c *config.Config) { c.RedirectURI = "http://localhost:8974/callback" }, "localhost"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := fakespotify.NewTestServer(t, fakespotify.Options{})
			cfg := testConfig(fake)
			tt.mod(&cfg)
			var out bytes.Buffer
			_, err := Run(context.Background(), Options{
				Paths: testPaths(t), Config: cfg, Out: &out,
				Open: func(string) { t.Error("browser opened") },
			})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
			if out.Len() > 0 {
				t.Errorf("printed %q", out.String())
			}
		})
	}
}

func TestRedirectSites(t *testing.T) {
	tests := []struct {
		configured           string
		listen               string
		used, register, path string
		setup                string
	}{
		{"", "127.0.0.1:8974", "http://127.0.0.1:8974/callback", "http://127.0.0.1:8974/callback", "/callback", "/setup"},
		{"http://127.0.0.1:9000/cb/", "127.0.0.1:9000", "http://127.0.0.1:9000/cb/", "http://127.0.0.1:9000/cb/", "/cb/", "/setup"},
		{"http://127.0.0.1:0/callback", "127.0.0.1:0", "http://127.0.0.1:41000/callback", "http://127.0.0.1/callback", "/callback", "/setup"},
		{"http://127.0.0.1/callback", "127.0.0.1:0", "http://127.0.0.1:41000/callback", "http://127.0.0.1/callback", "/callback", "/setup"},
		{"http://127.0.0.1:9000/setup", "127.0.0.1:9000", "http://127.0.0.1:9000/setup", "http://127.0.0.1:9000/setup", "/setup", "/"},
	}
	for _, tt := range tests {
		rd, err := parseRedirect(tt.configured)
		if err != nil {
			t.Errorf("%q: %v", tt.configured, err)
			continue
		}
		if got := rd.listenAddr(); got != tt.listen {
			t.Errorf("%q: listen on %q, want %q", tt.configured, got, tt.listen)
		}
		port := 41000
		if !rd.anyPort {
			port, _ = strconv.Atoi(rd.u.Port())
		}
		s := rd.site(port)
		if s.redirectURI != tt.used || s.registerURI != tt.register || s.callbackPath != tt.path || s.setupPath != tt.setup {
			t.Errorf("%q: site %+v", tt.configured, s)
		}
		if want := "127.0.0.1:" + strconv.Itoa(port); s.host != want {
			t.Errorf("%q: host %q, want %q", tt.configured, s.host, want)
		}
	}
}

// TestFreshConns: connections that never sent a request (browser
// preconnects) are closed when the login ends, so that shutting the server
// down does not wait for them; connections serving a request are left to
// finish.
func TestFreshConns(t *testing.T) {
	pipe := func() (server, client net.Conn) {
		server, client = net.Pipe()
		t.Cleanup(func() { server.Close(); client.Close() })
		return server, client
	}
	closed := func(client net.Conn) bool {
		client.SetReadDeadline(time.Now().Add(time.Millisecond))
		_, err := client.Read(make([]byte, 1))
		return errors.Is(err, io.EOF)
	}
	var fc freshConns
	idle, idleClient := pipe()
	busy, busyClient := pipe()
	fc.track(idle, http.StateNew)
	fc.track(busy, http.StateNew)
	fc.track(busy, http.StateActive)
	fc.closeAll()
	if !closed(idleClient) {
		t.Errorf("a connection without a request stayed open")
	}
	if closed(busyClient) {
		t.Errorf("a connection serving a request was closed")
	}
	late, lateClient := pipe()
	fc.track(late, http.StateNew)
	if !closed(lateClient) {
		t.Errorf("a connection opened after the login ended stayed open")
	}
}
