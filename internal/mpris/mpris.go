// Package mpris speaks MPRIS (org.mpris.MediaPlayer2) on the session bus:
// it follows the local players spotray is told to watch (Watch), sends
// them commands (Command), and shows remote playback to the desktop as a
// player of its own (Exporter). It decodes and encodes; what the tray
// makes of a player is package playback's and package app's business.
//
// Everything here takes the connection it is given. spotray passes a
// private one: the shared dbus.SessionBus connection belongs to
// fyne.io/systray, whose re-registration stops at unrelated signals.
package mpris

import (
	"time"

	"github.com/godbus/dbus/v5"
)

// The MPRIS names.
const (
	// BusPrefix starts every MPRIS player's bus name.
	BusPrefix = "org.mpris.MediaPlayer2."
	// ObjectPath is where players export their interfaces.
	ObjectPath = dbus.ObjectPath("/org/mpris/MediaPlayer2")
	// RootInterface and PlayerInterface are the interfaces at ObjectPath.
	RootInterface   = "org.mpris.MediaPlayer2"
	PlayerInterface = "org.mpris.MediaPlayer2.Player"
)

// The Player methods that control playback, as Players.Command sends them
// and Exporter.OnCommand receives them.
const (
	PlayPause = "PlayPause"
	Play      = "Play"
	Pause     = "Pause"
	Stop      = "Stop"
	Next      = "Next"
	Previous  = "Previous"
)

// Player is what one player says of itself.
type Player struct {
	Bus    string // its bus name, e.g. org.mpris.MediaPlayer2.spotify
	Status string // PlaybackStatus: "Playing", "Paused", "Stopped"; "" unknown
	Meta   Metadata
}

// Metadata is a player's Metadata property, decoded leniently: players
// disagree on types, and a value of an unexpected type reads as absent.
type Metadata struct {
	// TrackID is mpris:trackid: an object path by the specification, a
	// plain "spotify:track:ID" string from some Spotify clients.
	TrackID     string
	Title       string
	Artists     []string
	Album       string
	ArtURL      string
	URL         string
	Length      time.Duration
	TrackNumber int
}

// decodeMetadata reads an a{sv} Metadata value.
func decodeMetadata(m map[string]dbus.Variant) Metadata {
	var md Metadata
	md.TrackID = str(m["mpris:trackid"])
	md.Title = str(m["xesam:title"])
	md.Album = str(m["xesam:album"])
	md.ArtURL = str(m["mpris:artUrl"])
	md.URL = str(m["xesam:url"])
	switch v := m["xesam:artist"].Value().(type) {
	case []string:
		md.Artists = v
	case string:
		md.Artists = []string{v}
	}
	if us, ok := integer(m["mpris:length"]); ok && us > 0 {
		md.Length = time.Duration(us) * time.Microsecond
	}
	if n, ok := integer(m["xesam:trackNumber"]); ok {
		md.TrackNumber = int(n)
	}
	return md
}

// str reads a string or an object path.
func str(v dbus.Variant) string {
	switch s := v.Value().(type) {
	case string:
		return s
	case dbus.ObjectPath:
		return string(s)
	}
	return ""
}

// integer reads any of the integer types players use.
func integer(v dbus.Variant) (int64, bool) {
	switch n := v.Value().(type) {
	case int64:
		return n, true
	case uint64:
		return int64(min(n, 1<<62)), true
	case int32:
		return int64(n), true
	case uint32:
		return int64(n), true
	case int16:
		return int64(n), true
	case uint16:
		return int64(n), true
	case byte:
		return int64(n), true
	case float64:
		return int64(n), true
	}
	return 0, false
}
