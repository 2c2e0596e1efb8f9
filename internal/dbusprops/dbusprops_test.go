package dbusprops_test

import (
	"testing"

	"github.com/godbus/dbus/v5"

	"github.com/spotray/spotray/internal/dbusprops"
	"github.com/spotray/spotray/internal/desktoptest"
)

func TestProps(t *testing.T) {
	addr := desktoptest.StartBus(t)
	server := desktoptest.Connect(t, addr)
	const path, iface = dbus.ObjectPath("/test"), "org.example.Thing"
	p, err := dbusprops.Export(server, path, map[string]map[string]any{iface: {
		"Meta": map[string]dbus.Variant{"title": dbus.MakeVariant("One"), "album": dbus.MakeVariant("First")},
		"Pos":  int64(0),
	}}, "Pos")
	if err != nil {
		t.Fatal(err)
	}
	client := desktoptest.Connect(t, addr)
	if err := client.AddMatchSignal(dbus.WithMatchInterface(dbusprops.Interface), dbus.WithMatchObjectPath(path)); err != nil {
		t.Fatal(err)
	}
	signals := make(chan *dbus.Signal, 8)
	client.Signal(signals)
	obj := client.Object(server.Names()[0], path)

	// A new map replaces the old one: its album does not linger.
	if err := p.Update(iface, map[string]any{"Meta": map[string]dbus.Variant{"title": dbus.MakeVariant("Two")}, "Pos": int64(5)}); err != nil {
		t.Fatal(err)
	}
	var all map[string]dbus.Variant
	if err := obj.Call(dbusprops.Interface+".GetAll", 0, iface).Store(&all); err != nil {
		t.Fatal(err)
	}
	meta, _ := all["Meta"].Value().(map[string]dbus.Variant)
	if len(meta) != 1 || meta["title"].Value() != "Two" || all["Pos"].Value() != int64(5) {
		t.Errorf("GetAll = %v", all)
	}
	// One signal, without the quiet property; an update that changes
	// nothing sends none.
	if err := p.Update(iface, map[string]any{"Pos": int64(6)}); err != nil {
		t.Fatal(err)
	}
	if err := obj.Call("org.freedesktop.DBus.Peer.Ping", 0).Err; err != nil {
		t.Fatal(err)
	}
	if n := len(signals); n != 1 {
		t.Fatalf("%d signals, want 1", n)
	}
	sig := <-signals
	changed, _ := sig.Body[1].(map[string]dbus.Variant)
	if _, ok := changed["Pos"]; ok || len(changed) != 1 {
		t.Errorf("signalled %v", changed)
	}
	if err := obj.Call(dbusprops.Interface+".Set", 0, iface, "Pos", dbus.MakeVariant(int64(1))).Err; err == nil {
		t.Error("Set succeeded on a read-only property")
	}
	var v dbus.Variant
	if err := obj.Call(dbusprops.Interface+".Get", 0, iface, "Nope").Store(&v); err == nil {
		t.Error("Get of an unknown property succeeded")
	}
	if p.Value(iface, "Pos") != int64(6) || p.Value(iface, "Nope") != nil {
		t.Errorf("Value: %v, %v", p.Value(iface, "Pos"), p.Value(iface, "Nope"))
	}
}
