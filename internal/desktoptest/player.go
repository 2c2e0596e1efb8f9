package desktoptest

import (
	"slices"
	"sync"
	"testing"

	"github.com/godbus/dbus/v5"

	"github.com/spotray/spotray/internal/dbusprops"
)

// The MPRIS names a scripted player uses; package mpris has its own, which
// the tests check against a player nobody here wrote.
const (
	mprisPath   = dbus.ObjectPath("/org/mpris/MediaPlayer2")
	mprisRoot   = "org.mpris.MediaPlayer2"
	mprisPlayer = "org.mpris.MediaPlayer2.Player"
)

// Player is a scripted MPRIS player on a test bus: it says what the test
// tells it to (Set), the way a real client would, quirks included, and
// records the commands it receives. Its methods do not change its
// state: the test decides what a command leads to.
type Player struct {
	// Bus is the name it owns, e.g. org.mpris.MediaPlayer2.spotify.
	Bus string

	t     testing.TB
	conn  *dbus.Conn
	props *dbusprops.Props

	mu    sync.Mutex
	calls []string
}

// NewPlayer owns org.mpris.MediaPlayer2.NAME on the bus at addr with
// PlaybackStatus "Stopped" and empty metadata, until cleanup or Quit.
func NewPlayer(t testing.TB, addr, name string) *Player {
	t.Helper()
	p := &Player{Bus: mprisRoot + "." + name, t: t, conn: Connect(t, addr)}
	props, err := dbusprops.Export(p.conn, mprisPath, map[string]map[string]any{
		mprisRoot: {"Identity": name, "CanQuit": false, "CanRaise": false, "HasTrackList": false,
			"SupportedUriSchemes": []string{}, "SupportedMimeTypes": []string{}},
		mprisPlayer: {
			"PlaybackStatus": "Stopped", "Metadata": map[string]dbus.Variant{},
			// Position is what the Spotify client gets wrong most: always 0.
			"Position": int64(0), "Rate": 1.0, "CanControl": true, "CanPlay": true,
			"CanPause": true, "CanGoNext": true, "CanGoPrevious": true, "CanSeek": false,
		},
	}, "Position")
	if err != nil {
		t.Fatalf("export player properties: %v", err)
	}
	p.props = props
	if err := p.conn.Export(playerObject{p}, mprisPath, mprisPlayer); err != nil {
		t.Fatalf("export player: %v", err)
	}
	ownName(t, p.conn, p.Bus)
	return p
}

// Set changes PlaybackStatus and Metadata and signals the change as one
// PropertiesChanged, as the Spotify client does on a new track. Values of
// md are wrapped in variants.
func (p *Player) Set(status string, md map[string]any) {
	m := map[string]dbus.Variant{}
	for k, v := range md {
		m[k] = dbus.MakeVariant(v)
	}
	if err := p.props.Update(mprisPlayer, map[string]any{"Metadata": m, "PlaybackStatus": status}); err != nil {
		p.t.Errorf("player %s: %v", p.Bus, err)
	}
}

// SetStatus changes PlaybackStatus alone, as a pause does.
func (p *Player) SetStatus(status string) {
	if err := p.props.Update(mprisPlayer, map[string]any{"PlaybackStatus": status}); err != nil {
		p.t.Errorf("player %s: %v", p.Bus, err)
	}
}

// Calls returns the Player methods called so far, oldest first.
func (p *Player) Calls() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.calls)
}

// Quit leaves the bus, as a player that exits.
func (p *Player) Quit() { p.conn.Close() }

// playerObject holds the exported methods, apart from Player's own.
type playerObject struct{ p *Player }

func (o playerObject) record(method string) *dbus.Error {
	o.p.mu.Lock()
	defer o.p.mu.Unlock()
	o.p.calls = append(o.p.calls, method)
	return nil
}

func (o playerObject) PlayPause() *dbus.Error { return o.record("PlayPause") }
func (o playerObject) Play() *dbus.Error      { return o.record("Play") }
func (o playerObject) Pause() *dbus.Error     { return o.record("Pause") }
func (o playerObject) Stop() *dbus.Error      { return o.record("Stop") }
func (o playerObject) Next() *dbus.Error      { return o.record("Next") }
func (o playerObject) Previous() *dbus.Error  { return o.record("Previous") }
