package trayicon

import (
	"fmt"
	"log/slog"
	"os"
	"slices"
	"time"

	"github.com/godbus/dbus/v5"
)

// takeActivate answers the StatusNotifierItem's Activate (a primary click on
// the icon) with f, on panels that send it (lxqt-panel and KDE do on a left
// click; panels such as xfce4-panel open the menu instead, because the item
// says ItemIsMenu). systray answers Activate itself only when given a tap
// handler, and then also declares ItemIsMenu false, which turns every
// panel's left click into Activate and hides the menu behind a right click.
// So spotray keeps systray's item as it is and takes over only the method
// handlers of org.kde.StatusNotifierItem, once systray has exported its
// own: it requests its bus name after exporting them.
func takeActivate(f func()) {
	conn, err := dbus.SessionBus()
	if err != nil {
		return
	}
	name := fmt.Sprintf("org.kde.StatusNotifierItem-%d-1", os.Getpid())
	for deadline := time.Now().Add(10 * time.Second); !slices.Contains(conn.Names(), name); {
		if time.Now().After(deadline) {
			slog.Warn("the tray item never took its bus name; a click on the icon does nothing")
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	err = conn.ExportSubtreeMethodTable(map[string]any{
		"Activate":          func(x, y int32) *dbus.Error { go f(); return nil },
		"ContextMenu":       func(x, y int32) *dbus.Error { return &dbus.ErrMsgUnknownMethod },
		"SecondaryActivate": func(x, y int32) *dbus.Error { return &dbus.ErrMsgUnknownMethod },
		"Scroll":            func(delta int32, orientation string) *dbus.Error { return &dbus.ErrMsgUnknownMethod },
	}, "/StatusNotifierItem", "org.kde.StatusNotifierItem")
	if err != nil {
		slog.Warn("a click on the icon does nothing", "err", err)
	}
}
