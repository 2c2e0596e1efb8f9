package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/spotray/spotray/internal/atomicfile"
	"github.com/spotray/spotray/internal/playback"
)

// fileSettings is config.toml as written by people. PollInterval accepts a
// number of seconds or a duration string ("15s"), because both look natural.
type fileSettings struct {
	ClientID     string `toml:"client_id"`
	ClientSecret string `toml:"client_secret"`
	RedirectURI  string `toml:"redirect_uri"`
	PollInterval any    `toml:"poll_interval"`
	OnChange     any    `toml:"on_change"`
	LocalPlayers any    `toml:"local_players"`
}

// FileError is a problem in config.toml, with the line when there is one.
// The file is never rewritten after such an error: the user's text stays as
// they left it.
type FileError struct {
	Path string
	Line int // 0 when the problem is not tied to a line
	Msg  string
}

func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}

func readFile(path string, c *Config) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read config: %w", err)
	}
	var fs fileSettings
	md, err := toml.Decode(string(data), &fs)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return &FileError{Path: path, Line: pe.Position.Line, Msg: pe.Message + " (the file was left unchanged)"}
		}
		return &FileError{Path: path, Msg: err.Error() + " (the file was left unchanged)"}
	}
	var und []toml.Key
	for _, k := range md.Undecoded() {
		// Inside an on_change or local_players written as a table:
		// parseCommand and parsePlayers say what they should be.
		if k[0] != "on_change" && k[0] != "local_players" {
			und = append(und, k)
		}
	}
	if len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		sort.Strings(keys)
		return &FileError{Path: path, Line: lineOf(data, und[0].String()),
			Msg: fmt.Sprintf("unknown setting %s (known: client_id, client_secret, redirect_uri, poll_interval, on_change, local_players)",
				strings.Join(keys, ", "))}
	}
	c.ClientID = strings.TrimSpace(fs.ClientID)
	c.ClientSecret = strings.TrimSpace(fs.ClientSecret)
	if v := strings.TrimSpace(fs.RedirectURI); v != "" {
		c.RedirectURI = v
	}
	if fs.PollInterval != nil {
		d, err := parseInterval(fs.PollInterval)
		if err != nil {
			return &FileError{Path: path, Line: lineOf(data, "poll_interval"), Msg: err.Error()}
		}
		c.PollInterval = d
	}
	if fs.OnChange != nil {
		argv, err := parseCommand(fs.OnChange)
		if err != nil {
			return &FileError{Path: path, Line: lineOf(data, "on_change"), Msg: err.Error()}
		}
		c.OnChange = argv
	}
	if fs.LocalPlayers != nil {
		names, err := parsePlayers(fs.LocalPlayers)
		if err != nil {
			return &FileError{Path: path, Line: lineOf(data, "local_players"), Msg: err.Error()}
		}
		c.LocalPlayers = names
	}
	if c.ClientID != "" {
		if err := ValidateClientID(c.ClientID); err != nil {
			return &FileError{Path: path, Line: lineOf(data, "client_id"), Msg: err.Error()}
		}
	}
	if err := ValidateRedirectURI(c.RedirectURI); err != nil {
		return &FileError{Path: path, Line: lineOf(data, "redirect_uri"), Msg: err.Error()}
	}
	return nil
}

func parseInterval(v any) (time.Duration, error) {
	var d time.Duration
	switch v := v.(type) {
	case int64:
		d = time.Duration(v) * time.Second
	case float64:
		d = time.Duration(v * float64(time.Second))
	case string:
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			return 0, fmt.Errorf("poll_interval = %q is not a duration: write seconds (10) or a duration (\"10s\")", v)
		}
	default:
		return 0, fmt.Errorf("poll_interval must be seconds (10) or a duration (\"10s\")")
	}
	if d < playback.MinInterval {
		return 0, fmt.Errorf("poll_interval %v is below the minimum of %v: Spotify rate-limits apps that poll faster",
			d, playback.MinInterval)
	}
	return d, nil
}

// parseCommand checks on_change: a program and its arguments, as a list of
// strings, because a single string would need a shell to split it. An
// empty list means no command.
func parseCommand(v any) ([]string, error) {
	const form = `on_change must be a list of strings, the program then its arguments: on_change = ["notify-send", "Now playing"]`
	list, ok := v.([]any)
	if !ok {
		if s, isString := v.(string); isString {
			return nil, fmt.Errorf("on_change = %q is one string; spotray runs no shell to split it: %s", s, form)
		}
		return nil, errors.New(form)
	}
	argv := make([]string, len(list))
	for i, a := range list {
		s, ok := a.(string)
		if !ok {
			return nil, fmt.Errorf("on_change element %d is not a string: %s", i+1, form)
		}
		argv[i] = s
	}
	if len(argv) > 0 && strings.TrimSpace(argv[0]) == "" {
		return nil, errors.New("on_change starts with an empty program name: " + form)
	}
	if len(argv) == 0 {
		return nil, nil
	}
	return argv, nil
}

// parsePlayers checks local_players: a list of MPRIS player names, each
// the last element of a bus name (org.mpris.MediaPlayer2.NAME), so that a
// typo is reported here rather than never matching.
func parsePlayers(v any) ([]string, error) {
	const form = `local_players must be a list of player names, e.g. local_players = ["spotify", "ncspot"], or [] to follow none`
	list, ok := v.([]any)
	if !ok {
		return nil, errors.New(form)
	}
	names := []string{}
	for i, a := range list {
		s, ok := a.(string)
		if !ok {
			return nil, fmt.Errorf("local_players element %d is not a string: %s", i+1, form)
		}
		if !playerName(s) {
			return nil, fmt.Errorf("local_players element %d, %q, is not a player name: use what follows "+
				"org.mpris.MediaPlayer2. in the player's bus name (letters, digits, _ and -, not starting with a digit), "+
				"as `playerctl -l` lists it", i+1, clip(s))
		}
		names = append(names, s)
	}
	return names, nil
}

// playerName reports whether s can be one element of a D-Bus bus name.
func playerName(s string) bool {
	if s == "" || len(s) > 255 || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// lineOf finds the line where key is set, so that errors found after
// decoding still point at the right place.
func lineOf(data []byte, key string) int {
	for i, line := range strings.Split(string(data), "\n") {
		if k, _, ok := strings.Cut(strings.TrimSpace(line), "="); ok && strings.TrimSpace(k) == key {
			return i + 1
		}
	}
	return 0
}

// Save writes c's client settings to path as a commented config.toml (0600,
// atomically). It refuses to replace a file that does not parse, so that a
// typo never costs the user the rest of what they wrote. The server URLs are
// not saved: they are for tests and the demo and come from the environment.
func Save(path string, c Config) error {
	if exists(path) {
		var probe Config
		if err := readFile(path, &probe); err != nil {
			return fmt.Errorf("not replacing config: %w", err)
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("save config: %w", err)
	}
	var b bytes.Buffer
	b.WriteString("# spotray settings. Environment variables override them:\n")
	b.WriteString("# SPOTIFY_CLIENT_ID, SPOTIFY_CLIENT_SECRET, SPOTIFY_REDIRECT_URI.\n\n")
	b.WriteString("# Client ID of your Spotify app (" + DashboardURL + ", your app, Basic Information).\n")
	fmt.Fprintf(&b, "client_id = %s\n\n", quote(c.ClientID))
	b.WriteString("# Client secret: optional. Leave it out to log in with PKCE, which needs no secret\n")
	b.WriteString("# on this computer.\n")
	writeSetting(&b, "client_secret", quote(c.ClientSecret), c.ClientSecret == "")
	b.WriteString("\n# Must be registered in the dashboard exactly as written here (Spotify refuses\n")
	b.WriteString("# \"localhost\": use 127.0.0.1). Without a port, or with port 0, spotray takes any free\n")
	b.WriteString("# port, which Spotify accepts when the URI is registered without a port.\n")
	redirect := c.RedirectURI
	if redirect == "" {
		redirect = DefaultRedirectURI
	}
	writeSetting(&b, "redirect_uri", quote(redirect), redirect == DefaultRedirectURI)
	b.WriteString("\n# Pace of the checks for a skipped track while music plays, in seconds (minimum 2):\n")
	b.WriteString("# 5 checks twice as often as 10, 20 half as often. spotray also checks right when\n")
	b.WriteString("# a track should end.\n")
	interval := c.PollInterval
	if interval == 0 {
		interval = playback.DefaultInterval
	}
	writeSetting(&b, "poll_interval", fmt.Sprint(interval.Seconds()), interval == playback.DefaultInterval)
	b.WriteString("\n# A command to run on every track change, the program then its arguments (no shell),\n")
	b.WriteString("# with SPOTRAY_TITLE, SPOTRAY_ARTISTS, SPOTRAY_ALBUM, SPOTRAY_URI, SPOTRAY_URL,\n")
	b.WriteString("# SPOTRAY_KIND, SPOTRAY_PLAYING and SPOTRAY_ART_PATH in its environment.\n")
	if len(c.OnChange) == 0 {
		b.WriteString("# on_change = [\"notify-send\", \"Now playing\"]\n")
	} else {
		quoted := make([]string, len(c.OnChange))
		for i, a := range c.OnChange {
			quoted[i] = quote(a)
		}
		fmt.Fprintf(&b, "on_change = [%s]\n", strings.Join(quoted, ", "))
	}
	b.WriteString("\n# Players on this desktop to follow over MPRIS instead of asking Spotify's Web API,\n")
	b.WriteString("# by the name in their bus name org.mpris.MediaPlayer2.NAME (`playerctl -l` lists\n")
	b.WriteString("# them); [] follows none.\n")
	players := c.LocalPlayers
	if players == nil {
		players = DefaultLocalPlayers
	}
	quotedPlayers := make([]string, len(players))
	for i, p := range players {
		quotedPlayers[i] = quote(p)
	}
	writeSetting(&b, "local_players", "["+strings.Join(quotedPlayers, ", ")+"]", slices.Equal(players, DefaultLocalPlayers))
	if err := atomicfile.WriteFile(path, b.Bytes(), 0o600); err != nil {
		return fmt.Errorf("save config: %w", err)
	}
	return nil
}

// writeSetting comments out a setting that holds its default, so the file
// shows what can be set without pinning today's defaults forever.
func writeSetting(b *bytes.Buffer, key, value string, isDefault bool) {
	if isDefault {
		b.WriteString("# ")
	}
	fmt.Fprintf(b, "%s = %s\n", key, value)
}

// quote renders s as a TOML basic string. JSON string syntax is a subset of
// it once HTML escaping is off.
func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}
