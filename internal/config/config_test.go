package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spotray/spotray/internal/playback"
	"github.com/spotray/spotray/internal/spotify"
	"golang.org/x/oauth2"

	"github.com/spotray/spotray/internal/testenv"
)

const testID = "0123456789abcdef0123456789abcdef"

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadDefaultsWithoutFile(t *testing.T) {
	c, err := Load(filepath.Join(t.TempDir(), "missing.toml"), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{RedirectURI: DefaultRedirectURI, PollInterval: playback.DefaultInterval,
		AccountsURL: spotify.AccountsURL, APIURL: spotify.APIURL, LocalPlayers: DefaultLocalPlayers}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("got %+v, want %+v", c, want)
	}
	if err := c.Check(); !errors.Is(err, ErrNoClientID) {
		t.Fatalf("Check without client ID: %v", err)
	}
	for _, hint := range []string{DashboardURL, DefaultRedirectURI, "spotray login", EnvClientID} {
		if !strings.Contains(c.Check().Error(), hint) {
			t.Errorf("missing client ID message lacks %q: %v", hint, c.Check())
		}
	}
}

func TestLoadFileThenEnvironment(t *testing.T) {
	path := writeConfig(t, `
client_id = "`+testID+`"
client_secret = "s3cret"
redirect_uri = "http://127.0.0.1:9000/cb"
poll_interval = 15
`)
	c, err := Load(path, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.ClientID != testID || c.ClientSecret != "s3cret" || c.RedirectURI != "http://127.0.0.1:9000/cb" ||
		c.PollInterval != 15*time.Second {
		t.Fatalf("file not applied: %+v", c)
	}
	other := strings.Repeat("f", 32)
	c, err = Load(path, env(map[string]string{
		EnvClientID: other, EnvClientSecret: "env", EnvRedirectURI: "http://127.0.0.1:0/x",
		EnvAccountsURL: "http://127.0.0.1:1/", EnvAPIURL: "http://127.0.0.1:2",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{ClientID: other, ClientSecret: "env", RedirectURI: "http://127.0.0.1:0/x",
		PollInterval: 15 * time.Second, AccountsURL: "http://127.0.0.1:1", APIURL: "http://127.0.0.1:2",
		LocalPlayers: DefaultLocalPlayers}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("got %+v, want %+v", c, want)
	}
	if err := c.Check(); err != nil {
		t.Fatal(err)
	}
}

func TestLoadFileErrorsNameTheLine(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		line       int
		want       string
	}{
		{"syntax", "client_id = \"" + testID + "\"\nredirect_uri = http://127.0.0.1\n", 2, ""},
		{"unterminated", "\n\nclient_id = \"abc\n", 3, ""},
		{"unknown key", "client_id = \"" + testID + "\"\nclient-id = \"x\"\n", 2, "unknown setting"},
		{"bad client id", "\nclient_id = \"nothex\"\n", 2, "not 32 characters"},
		{"localhost", "redirect_uri = \"http://localhost:8974/callback\"\n", 1, "http://127.0.0.1:8974/callback"},
		{"interval too small", "# c\npoll_interval = 1\n", 2, "minimum"},
		{"interval string", "poll_interval = \"soon\"\n", 1, "not a duration"},
		{"interval type", "poll_interval = true\n", 1, "seconds"},
		{"hook string", "\non_change = \"notify-send hi\"\n", 2, "spotray runs no shell to split it"},
		{"hook number", "on_change = [\"a\", 3]\n", 1, "element 2 is not a string"},
		{"hook empty program", "on_change = [\" \", \"x\"]\n", 1, "empty program name"},
		{"hook table", "on_change = {a = 1}\n", 1, "list of strings"},
		{"players string", "\n\nlocal_players = \"spotify\"\n", 3, "list of player names"},
		{"players number", "local_players = [\"spotify\", 1]\n", 1, "element 2 is not a string"},
		{"players bus name", "local_players = [\"org.mpris.MediaPlayer2.spotify\"]\n", 1, "playerctl -l"},
		{"players digit", "local_players = [\"2pac\"]\n", 1, "not starting with a digit"},
		{"players empty", "local_players = [\"\"]\n", 1, "not a player name"},
		{"players table", "local_players = {a = 1}\n", 1, "list of player names"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeConfig(t, tc.text)
			_, err := Load(path, env(nil))
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("want *FileError, got %v", err)
			}
			if fe.Line != tc.line || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("line %d (want %d): %v", fe.Line, tc.line, err)
			}
			if got, _ := os.ReadFile(path); string(got) != tc.text {
				t.Fatal("the broken file was modified")
			}
		})
	}
}

func TestPollIntervalForms(t *testing.T) {
	for text, want := range map[string]time.Duration{
		"poll_interval = 2": 2 * time.Second, "poll_interval = 2.5": 2500 * time.Millisecond,
		`poll_interval = "1m"`: time.Minute,
	} {
		c, err := Load(writeConfig(t, text), env(nil))
		if err != nil || c.PollInterval != want {
			t.Errorf("%s: got %v, %v; want %v", text, c.PollInterval, err, want)
		}
	}
}

func TestValidateRedirectURI(t *testing.T) {
	for _, tc := range []struct{ uri, want string }{
		{"http://127.0.0.1:8974/callback", ""},
		{"http://127.0.0.1/callback", ""},
		{"http://127.0.0.1:0/callback", ""},
		{"http://localhost:8974/callback", "use http://127.0.0.1:8974/callback"},
		{"http://LOCALHOST/cb", "use http://127.0.0.1/cb"},
		{"https://127.0.0.1:8974/callback", "use http://127.0.0.1:8974/callback"},
		{"http://example.com/callback", "use http://127.0.0.1/callback"},
		{"http://[::1]:8974/callback", "use http://127.0.0.1:8974/callback"},
		{"http://127.0.0.1:8974", "needs a path"},
		{"http://127.0.0.1:8974/", "needs a path"},
		{"http://127.0.0.1:8974/cb?x=1", "must not carry"},
		{"http://127.0.0.1:99999/cb", "invalid port"},
		{"127.0.0.1:8974/callback", "not an absolute URL"},
		{"", "not an absolute URL"},
	} {
		err := ValidateRedirectURI(tc.uri)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%q: %v", tc.uri, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want mention of %q", tc.uri, err, tc.want)
		}
	}
	if err := ValidateRedirectURI("http://localhost:8974/callback"); !strings.Contains(err.Error(), "Insecure redirect URI") {
		t.Errorf("localhost error should quote Spotify's message: %v", err)
	}
}

func TestValidateClientID(t *testing.T) {
	for id, ok := range map[string]bool{
		testID: true, strings.ToUpper(testID): true, testID[:31]: false, testID + "0": false,
		strings.Repeat("g", 32): false, "": false, strings.Repeat("é", 16): false,
	} {
		if err := ValidateClientID(id); (err == nil) != ok {
			t.Errorf("ValidateClientID(%q) = %v, want ok=%v", id, err, ok)
		}
	}
}

func TestLoadRejectsBadServerURL(t *testing.T) {
	_, err := Load("", env(map[string]string{EnvAPIURL: "ftp://x"}))
	if err == nil || !strings.Contains(err.Error(), EnvAPIURL) {
		t.Fatalf("got %v", err)
	}
}

func TestSaveRoundTripAndMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "config.toml")
	c := Config{ClientID: testID, ClientSecret: `odd "secret" \ with <html> & ünïcode`,
		RedirectURI: "http://127.0.0.1:9999/cb", PollInterval: 4500 * time.Millisecond,
		AccountsURL: spotify.AccountsURL, APIURL: spotify.APIURL,
		OnChange: []string{"notify-send", `say "hi" \ & ü`, ""}, LocalPlayers: []string{"ncspot", "my-player_2"}}
	if err := Save(path, c); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, c) {
		t.Fatalf("round trip: got %+v, want %+v", got, c)
	}
	if err := testenv.CheckPerm(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := testenv.CheckPerm(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
}

func TestSaveCommentsDefaults(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := Save(path, Config{ClientID: testID, RedirectURI: DefaultRedirectURI, PollInterval: playback.DefaultInterval}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	for _, line := range []string{`client_id = "` + testID + `"`, `# client_secret = ""`,
		`# redirect_uri = "` + DefaultRedirectURI + `"`, `# poll_interval = 10`,
		`# on_change = ["notify-send", "Now playing"]`,
		`# local_players = ["spotify", "spotifyd", "ncspot", "spotify_player"]`} {
		if !bytes.Contains(data, []byte("\n"+line+"\n")) {
			t.Errorf("missing line %q in:\n%s", line, data)
		}
	}
}

func TestSaveRefusesToReplaceBrokenFile(t *testing.T) {
	broken := "client_id = \"" + testID + "\nmy notes\n"
	path := writeConfig(t, broken)
	err := Save(path, Config{ClientID: testID})
	if err == nil || !strings.Contains(err.Error(), "not replacing") {
		t.Fatalf("got %v", err)
	}
	if data, _ := os.ReadFile(path); string(data) != broken {
		t.Fatal("broken file was replaced")
	}
}

func TestOAuth2AuthStyle(t *testing.T) {
	c := Config{ClientID: testID, RedirectURI: DefaultRedirectURI, AccountsURL: "http://127.0.0.1:1"}
	o := c.OAuth2()
	if o.Endpoint.AuthStyle != oauth2.AuthStyleInParams || o.Endpoint.TokenURL != "http://127.0.0.1:1/api/token" ||
		o.Endpoint.AuthURL != "http://127.0.0.1:1/authorize" || strings.Join(o.Scopes, " ") != spotify.Scopes {
		t.Fatalf("PKCE config: %+v", o)
	}
	c.ClientSecret = "x"
	if c.OAuth2().Endpoint.AuthStyle != oauth2.AuthStyleInHeader {
		t.Fatal("a secret must use HTTP Basic")
	}
}

// FuzzLoad checks that no config file, however broken, makes Load panic,
// and that every rejection is a FileError naming the file.
func FuzzLoad(f *testing.F) {
	for _, s := range []string{
		"", "client_id = \"" + testID + "\"", "poll_interval = 3", "poll_interval = \"3s\"",
		"redirect_uri = \"http://localhost/x\"", "[table]\nx=1", "a = [1, 2", "client_id = 5",
		"poll_interval = -1e400", "poll_interval = 9223372036854775807", "\x00", "client_secret = '''\n'''",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		path := filepath.Join(t.TempDir(), "config.toml")
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := Load(path, env(nil))
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) || fe.Path != path {
				t.Fatalf("error is not a FileError for the file: %v", err)
			}
			return
		}
		if c.PollInterval < playback.MinInterval {
			t.Fatalf("accepted poll interval %v", c.PollInterval)
		}
		if ValidateRedirectURI(c.RedirectURI) != nil {
			t.Fatalf("accepted redirect URI %q", c.RedirectURI)
		}
	})
}

// A broken file or environment still leaves a configuration to run on:
// the tray keeps going on it and shows the problem.
func TestLoadFallsBack(t *testing.T) {
	broken := writeConfig(t, "client_id = \""+testID+"\"\npoll_interval = 1\n")
	c, err := Load(broken, env(map[string]string{EnvClientID: testID}))
	var fe *FileError
	if !errors.As(err, &fe) || fe.Line != 2 {
		t.Fatalf("err = %v, want the file's line 2", err)
	}
	if c.ClientID != testID || c.PollInterval != playback.DefaultInterval || c.RedirectURI != DefaultRedirectURI {
		t.Errorf("with a broken file: %+v, want the defaults and the environment", c)
	}
	c, err = Load(broken, env(map[string]string{EnvRedirectURI: "http://localhost/x"}))
	if !errors.As(err, &fe) {
		t.Errorf("err = %v, want the file's error first", err)
	}
	if c.RedirectURI != DefaultRedirectURI || c.APIURL != spotify.APIURL || c.ClientID != "" {
		t.Errorf("with a broken environment too: %+v, want the defaults", c)
	}
	if _, err := Load("", env(map[string]string{EnvAPIURL: "ftp://x"})); err == nil {
		t.Error("a broken environment alone is no error")
	}
}

func TestLocalPlayers(t *testing.T) {
	for text, want := range map[string][]string{
		"":                                   DefaultLocalPlayers,
		"local_players = []\n":               {},
		`local_players = ["spotify", "mpv"]`: {"spotify", "mpv"},
	} {
		c, err := Load(writeConfig(t, text), env(nil))
		if err != nil || !reflect.DeepEqual(c.LocalPlayers, want) {
			t.Errorf("%q: %q, %v; want %q", text, c.LocalPlayers, err, want)
		}
	}
	// Off stays off through a save: [] is written, not the defaults.
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := Save(path, Config{LocalPlayers: []string{}}); err != nil {
		t.Fatal(err)
	}
	if c, err := Load(path, env(nil)); err != nil || len(c.LocalPlayers) != 0 {
		t.Errorf("after saving []: %q, %v", c.LocalPlayers, err)
	}
}

func TestOnChange(t *testing.T) {
	for text, want := range map[string][]string{
		"":                                 nil,
		"on_change = []\n":                 nil,
		`on_change = ["notify-send", "x"]`: {"notify-send", "x"},
		"on_change = [\n  \"/usr/bin/mpc\",\n]\n": {"/usr/bin/mpc"},
	} {
		c, err := Load(writeConfig(t, text), env(nil))
		if err != nil || !reflect.DeepEqual(c.OnChange, want) {
			t.Errorf("%q: %q, %v; want %q", text, c.OnChange, err, want)
		}
	}
}
