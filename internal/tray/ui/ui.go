// Package ui puts a tray.Menu on screen with fyne.io/systray and reports
// clicks. It holds no decisions: the caller builds each Menu with tray.Build
// and hands it to Apply, which changes only what differs from the last one.
//
// The menu is created once, in tray.Layout order, and afterwards only
// retitled, shown, hidden, checked and enabled: systray's ResetMenu and
// Remove close the entries' click channels, which would make the click
// loops spin.
package ui

import (
	"runtime"
	"sync"

	"fyne.io/systray"

	"github.com/spotray/spotray/assets"
	"github.com/spotray/spotray/internal/tray"
)

// Tray is the running tray icon.
type Tray struct {
	mu    sync.Mutex
	items [tray.NumItems]*systray.MenuItem
	shown tray.Menu
	quit  chan struct{}
}

// Run shows the icon with menu first and blocks until Quit is called. Each
// click on an entry is sent to clicks; each opening of the menu is offered
// to opened (dropped if one is already waiting, as they mean the same);
// ready receives the Tray once the menu exists (call Apply only after
// that). Run must be called from the main goroutine: on Windows and macOS
// the tray's message loop has to run on the thread the program started on.
func Run(first tray.Menu, clicks chan<- tray.ID, opened chan<- struct{}, ready func(*Tray)) {
	t := &Tray{shown: first, quit: make(chan struct{})}
	// On Linux systray derives the item's Id from the title it has when it
	// registers, so the title is set before Run. (Windows has no title;
	// macOS drops this one, which keeps its menu bar free of text.)
	systray.SetTitle("spotray")
	if iconBeforeRun {
		systray.SetIcon(iconBytes(first.Icon))
		systray.SetTooltip(first.Tooltip)
	}
	systray.Run(func() {
		if !iconBeforeRun {
			systray.SetIcon(iconBytes(first.Icon))
			systray.SetTooltip(first.Tooltip)
		}
		// systray answers no GetLayout call until this returns, so it
		// only creates the entries and starts goroutines.
		t.create(first, clicks)
		go t.forwardOpened(opened)
		close(trayReady)
		go ready(t)
	}, func() { close(t.quit) })
}

// iconBeforeRun tells where the first icon and tooltip can be set. Linux
// (D-Bus) records them before Run, so the panel's first look at the item
// finds them. Windows refuses both until the tray is ready ("tray not ready
// yet") and then shows an empty icon; macOS drops them silently.
const iconBeforeRun = runtime.GOOS != "windows" && runtime.GOOS != "darwin"

// trayReady is closed once systray has called Run's ready callback.
var trayReady = make(chan struct{})

// Quit removes the icon and makes Run return. It may be called from any
// goroutine, more than once, also before the tray is ready: on Windows
// systray's Quit posts to a window that exists only once the tray is ready,
// and an earlier Quit would be lost with Run never returning, so it waits.
func Quit() {
	select {
	case <-trayReady:
		systray.Quit()
	default:
		go func() {
			<-trayReady
			systray.Quit()
		}()
	}
}

func (t *Tray) create(m tray.Menu, clicks chan<- tray.ID) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, id := range tray.Layout {
		if id == tray.Separator {
			systray.AddSeparator()
			continue
		}
		it := m.Items[id]
		var mi *systray.MenuItem
		if tray.Checkbox(id) {
			mi = systray.AddMenuItemCheckbox(it.Label, "", it.Checked)
		} else {
			mi = systray.AddMenuItem(it.Label, "")
		}
		if !it.Enabled {
			mi.Disable()
		}
		if !it.Visible {
			mi.Hide()
		}
		t.items[id] = mi
		go t.forward(id, mi.ClickedCh, clicks)
	}
}

// forward passes clicks on. systray drops a click when nobody is receiving,
// so this loop does nothing else; a slow consumer delays clicks rather than
// losing the first one.
func (t *Tray) forward(id tray.ID, from <-chan struct{}, to chan<- tray.ID) {
	for {
		select {
		case <-from:
			select {
			case to <- id:
			case <-t.quit:
				return
			}
		case <-t.quit:
			return
		}
	}
}

// forwardOpened passes on menu openings, which systray also drops when
// nobody is receiving.
func (t *Tray) forwardOpened(to chan<- struct{}) {
	for {
		select {
		case <-systray.TrayOpenedCh:
			select {
			case to <- struct{}{}:
			default:
			}
		case <-t.quit:
			return
		}
	}
}

// Apply shows m, touching only the entries, icon and tooltip that changed
// since the last Apply, so that panels redraw as little as possible.
func (t *Tray) Apply(m tray.Menu) {
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
	for id := range tray.NumItems {
		was, now, mi := t.shown.Items[id], m.Items[id], t.items[id]
		if now.Label != was.Label {
			mi.SetTitle(now.Label)
		}
		if now.Enabled != was.Enabled {
			if now.Enabled {
				mi.Enable()
			} else {
				mi.Disable()
			}
		}
		if now.Checked != was.Checked {
			if now.Checked {
				mi.Check()
			} else {
				mi.Uncheck()
			}
		}
		if now.Visible != was.Visible {
			if now.Visible {
				mi.Show()
			} else {
				mi.Hide()
			}
		}
	}
	t.shown = m
}

// iconBytes is the embedded image for icon, in this system's format.
func iconBytes(icon tray.Icon) []byte {
	switch icon {
	case tray.IconConnected:
		return assets.TrayConnected
	case tray.IconTrouble:
		return assets.TrayTrouble
	}
	return assets.TrayDisconnected
}
