// Package trayicon puts a menu.Menu on screen with fyne.io/systray, reports
// clicks, and on Linux keeps the icon registered with the desktop's panels.
// It holds no decisions: the caller builds each Menu with menu.Build and
// hands it to Show, which changes only what differs from the last one.
//
// On Linux the menu itself is served over dbusmenu here rather than by
// systray, so that it holds still while a panel shows it (see dbusMenu).
package trayicon

import (
	"runtime"
	"sync"

	"fyne.io/systray"

	"github.com/spotray/spotray/assets"
	"github.com/spotray/spotray/internal/menu"
)

// Tray is the tray icon; make it with New, then Run it once per process.
type Tray struct {
	platform
	mu    sync.Mutex
	shown menu.Menu
	quit  chan struct{} // closed when Run ends
	ready chan struct{} // closed once systray's ready callback ran
}

// New returns a tray icon that is not shown yet.
func New() *Tray { return &Tray{quit: make(chan struct{}), ready: make(chan struct{})} }

// Run shows the icon with menu first and blocks until Quit is called. Each
// click on an entry is passed to clicked, with the Target of the menu the
// user clicked in, and each opening of the menu to opened, on goroutines of
// their own; clicked may block (clicks then wait rather than get lost),
// opened should not (panels send openings in bursts). activated is told of
// a click on the icon itself from panels that open the menu with the other
// button (see start on Linux). ready is called once the menu exists: call
// Show only after that.
// Run must be called from the main goroutine: on Windows and macOS the
// tray's message loop has to run on the thread the program started on.
func (t *Tray) Run(first menu.Menu, clicked func(menu.ID, menu.Target), opened, activated, ready func()) {
	t.mu.Lock()
	t.shown = first
	t.startPlatform(first)
	t.mu.Unlock()
	// On Linux systray derives the item's Id from the title it has when it
	// registers, so the title is set before Run. (Windows has no title;
	// macOS drops this one, which keeps its menu bar free of text.)
	systray.SetTitle("spotray")
	if iconBeforeRun {
		setIconAndTooltip(first)
	}
	systray.Run(func() {
		if !iconBeforeRun {
			setIconAndTooltip(first)
		}
		// systray answers no GetLayout call until this returns, so it
		// only creates the entries and starts goroutines.
		t.start(clicked, opened, activated)
		close(t.ready)
		go ready()
	}, func() { close(t.quit) })
}

// iconBeforeRun tells where the first icon and tooltip can be set. Linux
// (D-Bus) records them before Run, so that the panel's first look at the
// item finds them; its ready callback runs on a goroutine of its own that
// races with the export, so a value set there can miss it. Windows refuses
// both until the tray is ready ("tray not ready yet") and then shows an
// empty icon; macOS drops them silently.
const iconBeforeRun = runtime.GOOS != "windows" && runtime.GOOS != "darwin"

func setIconAndTooltip(m menu.Menu) {
	systray.SetIcon(iconBytes(m.Icon))
	systray.SetTooltip(m.Tooltip)
}

// Quit removes the icon and makes Run return. It may be called from any
// goroutine, more than once, also before the tray is ready: on Windows
// systray's Quit posts to a window that exists only once the tray is ready,
// and an earlier Quit would be lost with Run never returning, so it waits.
func (t *Tray) Quit() {
	select {
	case <-t.ready:
		systray.Quit()
	default:
		go func() {
			<-t.ready
			systray.Quit()
		}()
	}
}

// Show shows m, touching only the entries, icon and tooltip that changed
// since the last Show, so that panels redraw as little as possible.
func (t *Tray) Show(m menu.Menu) {
	t.mu.Lock()
	defer t.mu.Unlock()
	// Icon and tooltip first: whoever sees the new menu then also gets the
	// new icon. (systray overwrites these property values in place, so a
	// panel reading one while it changes may see a mix of old and new.)
	if m.Icon != t.shown.Icon {
		systray.SetIcon(iconBytes(m.Icon))
	}
	if m.Tooltip != t.shown.Tooltip {
		systray.SetTooltip(m.Tooltip)
	}
	t.showEntries(m)
	t.shown = m
}

// iconBytes is the embedded image for icon, in this system's format.
func iconBytes(icon menu.Icon) []byte {
	switch icon {
	case menu.IconConnected:
		return assets.TrayConnected
	case menu.IconTrouble:
		return assets.TrayTrouble
	}
	return assets.TrayDisconnected
}
