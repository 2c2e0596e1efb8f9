package mpris

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/godbus/dbus/v5"

	"github.com/spotray/spotray/internal/dbusprops"
)

// Watched reports whether bus is the bus name of a player named in names:
// org.mpris.MediaPlayer2.NAME, or NAME.instanceN as a second instance
// names itself.
func Watched(bus string, names []string) (name string, ok bool) {
	rest, ok := strings.CutPrefix(bus, BusPrefix)
	if !ok {
		return "", false
	}
	if i := strings.Index(rest, ".instance"); i >= 0 {
		rest = rest[:i]
	}
	return rest, slices.Contains(names, rest)
}

// Choose picks the player the tray follows: one that plays wins, else the
// one named first in names, ties broken by bus name. nil when players is
// empty.
func Choose(players []Player, names []string) *Player {
	var best *Player
	rank := func(p Player) (int, int, string) {
		playing := 1
		if p.Status == "Playing" {
			playing = 0
		}
		name, _ := Watched(p.Bus, names)
		return playing, slices.Index(names, name), p.Bus
	}
	for i := range players {
		if best == nil {
			best = &players[i]
			continue
		}
		a1, a2, a3 := rank(players[i])
		b1, b2, b3 := rank(*best)
		if a1 < b1 || a1 == b1 && (a2 < b2 || a2 == b2 && a3 < b3) {
			best = &players[i]
		}
	}
	if best == nil {
		return nil
	}
	p := *best
	return &p
}

// Watch follows the players named in names on conn until ctx ends:
// changed gets the chosen player (Choose) after every change of any of
// them, and nil when none is on the bus. Calls to changed come from one
// goroutine, in order, and should return quickly. With no names it
// returns at once.
func Watch(ctx context.Context, conn *dbus.Conn, names []string, changed func(*Player)) error {
	if len(names) == 0 {
		return nil
	}
	rules := []dbus.MatchOption{
		dbus.WithMatchInterface(dbusprops.Interface), dbus.WithMatchMember("PropertiesChanged"),
		dbus.WithMatchObjectPath(ObjectPath), dbus.WithMatchArg(0, PlayerInterface),
	}
	if err := conn.AddMatchSignal(rules...); err != nil {
		return fmt.Errorf("watch MPRIS players: %w", err)
	}
	defer conn.RemoveMatchSignal(rules...)
	owners := []dbus.MatchOption{
		dbus.WithMatchSender("org.freedesktop.DBus"), dbus.WithMatchInterface("org.freedesktop.DBus"),
		dbus.WithMatchMember("NameOwnerChanged"), dbus.WithMatchArg0Namespace(strings.TrimSuffix(BusPrefix, ".")),
	}
	if err := conn.AddMatchSignal(owners...); err != nil {
		return fmt.Errorf("watch MPRIS players: %w", err)
	}
	defer conn.RemoveMatchSignal(owners...)
	signals := make(chan *dbus.Signal, 64)
	conn.Signal(signals)
	defer conn.RemoveSignal(signals)

	w := watcher{conn: conn, names: names, players: map[string]*Player{}, owner: map[string]string{}}
	var listed []string
	if err := conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.ListNames", 0).Store(&listed); err != nil {
		return fmt.Errorf("list MPRIS players: %w", err)
	}
	for _, bus := range listed {
		if _, ok := Watched(bus, names); ok {
			w.add(ctx, bus)
		}
	}
	last := w.report(nil, true, changed)
	for {
		select {
		case <-ctx.Done():
			return nil
		case sig, ok := <-signals:
			if !ok {
				return fmt.Errorf("watch MPRIS players: the session bus went away")
			}
			if w.take(ctx, sig) {
				last = w.report(last, false, changed)
			}
		}
	}
}

// watcher is Watch's state, on its goroutine.
type watcher struct {
	conn    *dbus.Conn
	names   []string
	players map[string]*Player // by bus name
	owner   map[string]string  // unique name -> bus name
}

// add reads a player that appeared.
func (w *watcher) add(ctx context.Context, bus string) {
	var owner string
	if err := w.conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.GetNameOwner", 0, bus).Store(&owner); err != nil {
		return
	}
	p := &Player{Bus: bus}
	w.players[bus], w.owner[owner] = p, bus
	w.refresh(ctx, p)
}

// refresh reads all of p's Player properties.
func (w *watcher) refresh(ctx context.Context, p *Player) {
	var props map[string]dbus.Variant
	if err := w.conn.Object(p.Bus, ObjectPath).CallWithContext(ctx, dbusprops.Interface+".GetAll", 0,
		PlayerInterface).Store(&props); err != nil {
		return
	}
	apply(p, props)
}

// apply takes changed properties.
func apply(p *Player, props map[string]dbus.Variant) {
	if v, ok := props["PlaybackStatus"]; ok {
		p.Status = str(v)
	}
	if v, ok := props["Metadata"]; ok {
		m, _ := v.Value().(map[string]dbus.Variant)
		p.Meta = decodeMetadata(m)
	}
}

// take handles a signal and reports whether anything changed.
func (w *watcher) take(ctx context.Context, sig *dbus.Signal) bool {
	switch sig.Name {
	case "org.freedesktop.DBus.NameOwnerChanged":
		var name, old, owner string
		if dbus.Store(sig.Body, &name, &old, &owner) != nil {
			return false
		}
		if _, ok := Watched(name, w.names); !ok {
			return false
		}
		if old != "" {
			delete(w.players, name)
			delete(w.owner, old)
		}
		if owner != "" {
			w.add(ctx, name)
		}
		return true
	case dbusprops.Interface + ".PropertiesChanged":
		bus, ok := w.owner[sig.Sender]
		if !ok || sig.Path != ObjectPath {
			return false
		}
		var iface string
		var changed map[string]dbus.Variant
		var invalidated []string
		if dbus.Store(sig.Body, &iface, &changed, &invalidated) != nil || iface != PlayerInterface {
			return false
		}
		p := w.players[bus]
		apply(p, changed)
		if len(invalidated) > 0 {
			w.refresh(ctx, p)
		}
		return true
	}
	return false
}

// report tells changed about the chosen player when it differs from
// last (or always, the first time) and returns what it told.
func (w *watcher) report(last *Player, first bool, changed func(*Player)) *Player {
	all := make([]Player, 0, len(w.players))
	for _, p := range w.players {
		all = append(all, *p)
	}
	now := Choose(all, w.names)
	if !first && reflect.DeepEqual(last, now) {
		return last
	}
	changed(now)
	return now
}

// Players sends commands to the players on Conn.
type Players struct{ Conn *dbus.Conn }

// Command calls method (PlayPause, Play, Pause, Stop, Next, Previous) of the
// player with bus name bus.
func (p Players) Command(ctx context.Context, bus, method string) error {
	if err := p.Conn.Object(bus, ObjectPath).CallWithContext(ctx, PlayerInterface+"."+method, 0).Err; err != nil {
		return fmt.Errorf("%s on %s: %w", method, bus, err)
	}
	return nil
}
