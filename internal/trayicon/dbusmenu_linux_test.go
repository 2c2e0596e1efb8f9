package trayicon

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/spotray/spotray/internal/desktoptest"
	"github.com/spotray/spotray/internal/menu"
	"github.com/spotray/spotray/internal/playback"
	"github.com/spotray/spotray/internal/spotify"
	"github.com/spotray/spotray/internal/testenv"
)

var (
	at    = time.Date(2026, 12, 2, 16, 0, 0, 0, time.UTC)
	track = playback.Item{Kind: playback.Track, Key: "spotify:track:1", Title: "Mr. Brightside",
		Artists: []string{"The Killers"}, Album: "Hot Fuss", URL: "https://open.spotify.com/track/1"}
	episode = playback.Item{Kind: playback.Episode, Key: "spotify:episode:2", Title: "Hello World",
		Album: "The Go Podcast", URL: "https://open.spotify.com/episode/2"}
	ad = playback.Item{Kind: playback.Ad}
)

func shows(it playback.Item, playing bool) menu.Menu {
	return menu.Build(menu.View{Connected: true, User: "Demo Listener", Grant: grantAll, Notifications: true, Now: at,
		Playback: playback.Status{Item: it, Playing: playing, At: at}}, "linux")
}

var grantAll = spotify.Grant{Control: true, Like: true}

// index is the dbusmenu id of entry id.
func index(id menu.ID) int32 { return int32(slices.Index(menu.Layout, id) + 1) }

// describe reads an update as "id:name=value" lines, sorted.
func describe(updates []idProps) []string {
	var out []string
	for _, u := range updates {
		for k, v := range u.Props {
			out = append(out, fmt.Sprintf("%d:%s=%s", u.ID, k, v))
		}
	}
	slices.Sort(out)
	return out
}

func TestChanges(t *testing.T) {
	paused := shows(track, false)
	playingAd := shows(ad, true)
	for _, tc := range []struct {
		name     string
		was, now menu.Menu
		want     []string
	}{
		{"same menu: nothing to send", shows(track, true), shows(track, true), nil},
		{"paused: two labels", shows(track, true), paused, []string{
			fmt.Sprintf(`%d:label="Paused: Mr. Brightside — The Killers"`, index(menu.Playing)),
			fmt.Sprintf(`%d:label="Play"`, index(menu.PlayPause)),
		}},
		{"an ad: labels and enabled states, no row comes or goes", shows(track, true), playingAd, []string{
			fmt.Sprintf(`%d:enabled=false`, index(menu.Playing)),
			fmt.Sprintf(`%d:label="Advertisement"`, index(menu.Playing)),
			fmt.Sprintf(`%d:label="—"`, index(menu.Album)),
			fmt.Sprintf(`%d:enabled=false`, index(menu.Like)),
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := describe(changes(tc.was, tc.now)); !slices.Equal(got, tc.want) {
				t.Errorf("changes:\n  %q\nwant\n  %q", got, tc.want)
			}
		})
	}
	// A checkbox sends its state as dbusmenu's int32.
	on, off := shows(track, true), shows(track, true)
	off.Items[menu.Notifications].Checked = false
	if got, want := describe(changes(on, off)), []string{fmt.Sprintf("%d:toggle-state=0", index(menu.Notifications))}; !slices.Equal(got, want) {
		t.Errorf("unchecking: %q, want %q", got, want)
	}
}

func TestProps(t *testing.T) {
	m := shows(track, true)
	for _, tc := range []struct {
		id   int32
		want string
	}{
		{index(menu.Playing), `enabled=true label="Mr. Brightside — The Killers" visible=true`},
		{index(menu.Notifications), `enabled=true label="Notifications" toggle-state=1 toggle-type="checkmark" visible=true`},
		{int32(slices.Index(menu.Layout, menu.Separator) + 1), `type="separator"`},
		{0, ""},
		{int32(len(menu.Layout) + 1), ""},
	} {
		var got []string
		for k, v := range props(m, tc.id) {
			got = append(got, k+"="+v.String())
		}
		slices.Sort(got)
		if strings.Join(got, " ") != tc.want {
			t.Errorf("props of %d: %q, want %q", tc.id, strings.Join(got, " "), tc.want)
		}
	}
}

func TestHold(t *testing.T) {
	qt := hold{}.open(at, false).open(at.Add(time.Millisecond), true) // AboutToShow, then "opened"
	gtk := hold{}.open(at, false)                                     // AboutToShow only
	for _, tc := range []struct {
		name string
		h    hold
		now  time.Time
		want holding
	}{
		{"closed", hold{}, at, holdNone},
		{"opened: everything waits", qt, at, holdAll},
		{"opened a while ago", qt, at.Add(maxHold - time.Millisecond), holdAll},
		{"opened too long ago: a host that never said closed", qt, at.Add(maxHold), holdNone},
		{"opened again: the hold does not grow", qt.open(at.Add(time.Second), true), at.Add(maxHold), holdNone},
		{"opened after the hold ended: a new one", qt.open(at.Add(maxHold+time.Second), true),
			at.Add(maxHold + 2*time.Second), holdAll},
		{"AboutToShow only: labels change in place, rows wait", gtk, at, holdRows},
		{"AboutToShow only, a while ago", gtk, at.Add(rowsHold - time.Millisecond), holdRows},
		{"AboutToShow only, long ago", gtk, at.Add(rowsHold), holdNone},
		{"AboutToShow during a full hold keeps it", qt.open(at.Add(time.Second), false), at.Add(rowsHold), holdAll},
	} {
		if got := tc.h.state(tc.now); got != tc.want {
			t.Errorf("%s: state = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestKeepRows(t *testing.T) {
	loaded := shows(track, true)
	stopped := shows(playback.Item{Kind: playback.Nothing}, false)
	kept := keepRows(loaded, stopped)
	for id := range menu.NumItems {
		if kept.Items[id].Visible != loaded.Items[id].Visible || kept.Items[id].Label != stopped.Items[id].Label {
			t.Errorf("entry %d: %+v, want the labels of %+v with the rows of %+v", id, kept.Items[id], stopped.Items[id], loaded.Items[id])
		}
	}
	if kept.Target != stopped.Target {
		t.Errorf("target %+v, want the new one", kept.Target)
	}
}

type clickAt struct {
	id    menu.ID
	shown menu.Target
}

// menuRig is a dbusMenu exported on a private bus, and a host's view of it.
type menuRig struct {
	t       *testing.T
	d       *dbusMenu
	appName string
	obj     dbus.BusObject
	log     *desktoptest.Messages // everything to and from the app
	clicks  chan clickAt
	opened  chan struct{}
}

func newMenuRig(t *testing.T, first menu.Menu) *menuRig {
	addr := desktoptest.StartBus(t)
	app, host := desktoptest.Connect(t, addr), desktoptest.Connect(t, addr)
	r := &menuRig{t: t, d: newDBusMenu(first), appName: app.Names()[0],
		clicks: make(chan clickAt, 4), opened: make(chan struct{}, 4)}
	r.log = desktoptest.WatchMessages(t, addr, "sender='"+r.appName+"'", "destination='"+r.appName+"'")
	quit := make(chan struct{})
	t.Cleanup(func() { close(quit) })
	err := r.d.export(app, func(id menu.ID, shown menu.Target) { r.clicks <- clickAt{id, shown} },
		func() { r.opened <- struct{}{} }, quit)
	if err != nil {
		t.Fatal(err)
	}
	r.obj = host.Object(r.appName, menuPath)
	return r
}

// entries reads property name of every entry, as GetLayout gives it.
func (r *menuRig) entries(name string) []string {
	r.t.Helper()
	var rev uint32
	var root layout
	if err := r.obj.Call(menuIface+".GetLayout", 0, int32(0), int32(-1), []string{name}).Store(&rev, &root); err != nil {
		r.t.Fatal(err)
	}
	var out []string
	for _, c := range root.Children {
		fields := c.Value().([]any)
		v, ok := fields[1].(map[string]dbus.Variant)[name]
		if !ok {
			out = append(out, "")
			continue
		}
		out = append(out, fmt.Sprint(v.Value()))
	}
	return out
}

func (r *menuRig) call(method string, args ...any) {
	r.t.Helper()
	if err := r.obj.Call(menuIface+"."+method, 0, args...).Err; err != nil {
		r.t.Fatalf("%s: %v", method, err)
	}
}

func (r *menuRig) event(id int32, name string) {
	r.t.Helper()
	r.call("Event", id, name, dbus.MakeVariant(""), uint32(0))
}

// sequence is the log as "Event opened", "GetLayout", "LayoutUpdated"...:
// the host's menu calls and the app's signals, in the bus's order.
func (r *menuRig) sequence() []string {
	var seen []string
	for _, msg := range r.log.All() {
		member := desktoptest.Member(msg)
		switch {
		case msg.Type == dbus.TypeSignal && msg.Headers[dbus.FieldSender].Value() == r.appName:
			seen = append(seen, strings.TrimPrefix(member, menuIface+"."))
		case msg.Type == dbus.TypeMethodCall && member == menuIface+".Event":
			seen = append(seen, "Event "+msg.Body[1].(string))
		case msg.Type == dbus.TypeMethodCall && strings.HasPrefix(member, menuIface+"."):
			seen = append(seen, strings.TrimPrefix(member, menuIface+"."))
		}
	}
	return seen
}

// The menu over a real bus, as Qt's hosts use it: nothing a host sees
// changes between its "opened" and its "closed", and what changed meanwhile
// arrives in one ItemsPropertiesUpdated after.
func TestMenuHoldsStillOverDBus(t *testing.T) {
	r := newMenuRig(t, shows(track, true))
	before := r.entries("label")
	if len(before) != len(menu.Layout) || before[index(menu.Playing)-1] != "Mr. Brightside — The Killers" {
		t.Fatalf("menu %q", before)
	}

	r.call("AboutToShow", int32(0))
	r.event(0, "opened")
	<-r.opened
	r.d.show(shows(track, false), time.Now())
	r.d.show(shows(episode, true), time.Now())
	if got := r.entries("label"); !slices.Equal(got, before) {
		t.Errorf("the open menu changed:\n  %q\nwas\n  %q", got, before)
	}
	// A click acts on what the menu showed.
	r.event(index(menu.Like), "clicked")
	if c := <-r.clicks; c.id != menu.Like || c.shown.Key != track.Key {
		t.Errorf("click %+v, want Like on %s", c, track.Key)
	}
	r.event(0, "closed")
	if got := r.entries("label"); got[index(menu.Playing)-1] != "Hello World — The Go Podcast" || got[index(menu.Album)-1] != "The Go Podcast" {
		t.Errorf("after closing the menu shows %q", got)
	}
	if len(r.opened) != 0 {
		t.Error("one opening was reported twice")
	}

	// In the bus's order: the one LayoutUpdated of the export, the
	// host's calls, and a single properties update after "closed". The
	// last GetLayout comes after anything the app sent before it.
	r.entries("label")
	want := []string{"LayoutUpdated", "GetLayout", "AboutToShow", "Event opened", "GetLayout", "Event clicked",
		"Event closed", "ItemsPropertiesUpdated", "GetLayout", "GetLayout"}
	var seen []string
	testenv.WaitFor(t, "the monitor to see the last GetLayout", func() bool {
		seen = r.sequence()
		return len(seen) >= len(want)
	})
	if !slices.Equal(seen, want) {
		t.Errorf("on the bus:\n  %q\nwant\n  %q", seen, want)
	}
}

// A host that asks AboutToShow and never says "opened" or "closed"
// (libdbusmenu-gtk, as in xfce4-panel) redraws an open menu in place: its
// labels change at once, rows that would come or go wait.
func TestMenuOfAHostThatNeverSaysClosed(t *testing.T) {
	r := newMenuRig(t, shows(track, true))
	rows := r.entries("visible")
	r.call("AboutToShowGroup", []int32{0})
	<-r.opened // the opening is reported: the app asks Spotify what plays
	r.d.show(shows(track, false), time.Now())
	if got := r.entries("label")[index(menu.PlayPause)-1]; got != "Play" {
		t.Errorf("the pause row reads %q in the open menu, want Play at once", got)
	}
	nothing := shows(playback.Item{Kind: playback.Nothing}, false)
	r.d.show(nothing, time.Now())
	if got := r.entries("visible"); !slices.Equal(got, rows) {
		t.Errorf("rows came or went in the open menu:\n  %q\nwere\n  %q", got, rows)
	}
	if got := r.entries("label")[index(menu.Playing)-1]; got != nothing.Items[menu.Playing].Label {
		t.Errorf("the first row reads %q, want %q", got, nothing.Items[menu.Playing].Label)
	}
	// Once people have had the time to aim, the rows follow.
	r.d.show(nothing, time.Now().Add(rowsHold))
	if got := r.entries("visible")[index(menu.Album)-1]; got != "false" {
		t.Errorf("the album row's visible is %q after the hold, want false", got)
	}
}
