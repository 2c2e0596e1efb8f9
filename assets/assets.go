// Package assets holds the images spotray shows: the tray icons, one per
// state, and the application icon that notifications fall back to. They are
// embedded so that the binary is the whole installation. icons.sh draws them.
package assets

import _ "embed"

// AppIcon is the 256×256 PNG application icon (the same drawing as the
// connected tray icon). Notification daemons want a file path, so the tray
// writes it to the cache directory at start.
//
//go:embed spotray.png
var AppIcon []byte
