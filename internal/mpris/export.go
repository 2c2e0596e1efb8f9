package mpris

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/introspect"
	"github.com/godbus/dbus/v5/prop"

	"github.com/spotray/spotray/internal/dbusprops"
)

// ExportName is the bus name of the player spotray exports.
const ExportName = BusPrefix + "spotray"

// NoTrack is the object path MPRIS reserves for "no track".
const NoTrack = dbus.ObjectPath("/org/mpris/MediaPlayer2/TrackList/NoTrack")

// Remote is what the exported player shows: playback on another device,
// as the Web API last reported it.
type Remote struct {
	Identity string // "Spotify on Kitchen speaker"
	Status   string // "Playing" or "Paused"
	Meta     Metadata
	// Position is where it was at the last poll; MPRIS clients move it on
	// themselves at Rate.
	Position time.Duration
}

// TrackPath turns a Spotify URI into the object path mpris:trackid must
// be (clients such as playerctl refuse other values).
func TrackPath(uri string) dbus.ObjectPath {
	if uri == "" {
		return NoTrack
	}
	var b strings.Builder
	b.WriteString("/org/spotray/track/")
	for _, r := range uri {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return dbus.ObjectPath(b.String())
}

// Exporter is the player org.mpris.MediaPlayer2.spotray: it owns the name
// only between Show and Hide, so that a desktop never shows one song twice
// (a local player showing it too). The zero value is not usable: set Conn.
type Exporter struct {
	Conn *dbus.Conn
	// OnCommand is told of the desktop's commands: Play, Pause,
	// PlayPause, Stop, Next or Previous. It is
	// called on the D-Bus dispatch goroutine and must not block.
	OnCommand func(method string)

	mu    sync.Mutex
	props *dbusprops.Props // nil while hidden
}

// Show shows r, taking the name on the first call after Hide; later calls
// signal PropertiesChanged for what changed.
func (e *Exporter) Show(r Remote) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.props == nil {
		return e.export(r)
	}
	if err := e.props.Update(RootInterface, map[string]any{"Identity": r.Identity}); err != nil {
		return err
	}
	return e.props.Update(PlayerInterface, playerValues(r))
}

// Hide releases the name and withdraws the objects.
func (e *Exporter) Hide() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.props == nil {
		return nil
	}
	_, err := e.Conn.ReleaseName(ExportName)
	e.props.Unexport()
	e.props = nil
	for _, iface := range []string{RootInterface, PlayerInterface, "org.freedesktop.DBus.Introspectable"} {
		e.Conn.Export(nil, ObjectPath, iface)
	}
	if err != nil {
		return fmt.Errorf("release %s: %w", ExportName, err)
	}
	return nil
}

func (e *Exporter) export(r Remote) error {
	player := playerValues(r)
	// The app answers every command, if only to say why it cannot (an
	// older login). Besides, playerctl, for one, reads no metadata from
	// a player that cannot play.
	for name, v := range map[string]any{"Rate": 1.0, "MinimumRate": 1.0, "MaximumRate": 1.0, "CanSeek": false,
		"CanControl": true, "CanPlay": true, "CanPause": true, "CanGoNext": true, "CanGoPrevious": true} {
		player[name] = v
	}
	// Position changes all the time: MPRIS says it is never signalled.
	props, err := dbusprops.Export(e.Conn, ObjectPath, map[string]map[string]any{
		RootInterface: rootProps(r.Identity), PlayerInterface: player}, "Position")
	if err != nil {
		return fmt.Errorf("export MPRIS player: %w", err)
	}
	if err := e.Conn.Export(root{}, ObjectPath, RootInterface); err != nil {
		return fmt.Errorf("export MPRIS player: %w", err)
	}
	if err := e.Conn.ExportMethodTable(e.playerMethods(), ObjectPath, PlayerInterface); err != nil {
		return fmt.Errorf("export MPRIS player: %w", err)
	}
	node := &introspect.Node{Name: string(ObjectPath), Interfaces: []introspect.Interface{
		introspect.IntrospectData, prop.IntrospectData,
		{Name: RootInterface, Methods: introspect.Methods(root{}), Properties: props.Introspection(RootInterface)},
		{Name: PlayerInterface, Methods: playerIntrospection, Properties: props.Introspection(PlayerInterface)},
	}}
	if err := e.Conn.Export(introspect.NewIntrospectable(node), ObjectPath, "org.freedesktop.DBus.Introspectable"); err != nil {
		return fmt.Errorf("export MPRIS introspection: %w", err)
	}
	reply, err := e.Conn.RequestName(ExportName, dbus.NameFlagDoNotQueue)
	if err != nil {
		return fmt.Errorf("own %s: %w", ExportName, err)
	}
	if reply != dbus.RequestNameReplyPrimaryOwner {
		return fmt.Errorf("own %s: another program has it", ExportName)
	}
	e.props = props
	return nil
}

func rootProps(identity string) map[string]any {
	return map[string]any{
		"Identity":            identity,
		"DesktopEntry":        "spotray",
		"CanQuit":             false,
		"CanRaise":            false,
		"HasTrackList":        false,
		"SupportedUriSchemes": []string{},
		"SupportedMimeTypes":  []string{},
	}
}

// playerValues are the Player properties that follow r.
func playerValues(r Remote) map[string]any {
	md := map[string]dbus.Variant{"mpris:trackid": dbus.MakeVariant(dbus.ObjectPath(r.Meta.TrackID))}
	if !dbus.ObjectPath(r.Meta.TrackID).IsValid() {
		md["mpris:trackid"] = dbus.MakeVariant(NoTrack)
	}
	for k, v := range map[string]string{"xesam:title": r.Meta.Title, "xesam:album": r.Meta.Album,
		"mpris:artUrl": r.Meta.ArtURL, "xesam:url": r.Meta.URL} {
		if v != "" {
			md[k] = dbus.MakeVariant(v)
		}
	}
	if len(r.Meta.Artists) > 0 {
		md["xesam:artist"] = dbus.MakeVariant(r.Meta.Artists)
	}
	if r.Meta.Length > 0 {
		md["mpris:length"] = dbus.MakeVariant(r.Meta.Length.Microseconds())
	}
	return map[string]any{
		"PlaybackStatus": r.Status,
		"Metadata":       md,
		"Position":       r.Position.Microseconds(),
	}
}

// errNotSupported answers what the exported player cannot do.
var errNotSupported = dbus.NewError("org.mpris.MediaPlayer2.spotray.Error.NotSupported",
	[]any{"spotray cannot do this for playback on another device"})

// root is the org.mpris.MediaPlayer2 interface: nothing to raise or quit.
type root struct{}

func (root) Raise() *dbus.Error { return nil }
func (root) Quit() *dbus.Error  { return nil }

// playerMethods are the org.mpris.MediaPlayer2.Player methods. (A method
// table rather than a type: Go vet reserves the name Seek for io.Seeker.)
func (e *Exporter) playerMethods() map[string]any {
	m := map[string]any{
		"Seek":        func(int64) *dbus.Error { return errNotSupported },
		"SetPosition": func(dbus.ObjectPath, int64) *dbus.Error { return errNotSupported },
		"OpenUri":     func(string) *dbus.Error { return errNotSupported },
	}
	for _, name := range commands {
		m[name] = func() *dbus.Error { return e.command(name) }
	}
	return m
}

// commands are the methods that reach OnCommand.
var commands = []string{Play, Pause, PlayPause, Stop, Next, Previous}

var playerIntrospection = func() []introspect.Method {
	var ms []introspect.Method
	for _, name := range commands {
		ms = append(ms, introspect.Method{Name: name})
	}
	return append(ms,
		introspect.Method{Name: "Seek", Args: []introspect.Arg{{Name: "Offset", Type: "x", Direction: "in"}}},
		introspect.Method{Name: "SetPosition", Args: []introspect.Arg{
			{Name: "TrackId", Type: "o", Direction: "in"}, {Name: "Position", Type: "x", Direction: "in"}}},
		introspect.Method{Name: "OpenUri", Args: []introspect.Arg{{Name: "Uri", Type: "s", Direction: "in"}}})
}()

func (e *Exporter) command(method string) *dbus.Error {
	if e.OnCommand == nil {
		return errNotSupported
	}
	e.OnCommand(method)
	return nil
}
