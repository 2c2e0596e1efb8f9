//go:build !windows

package assets

import _ "embed"

// Tray icons in the format StatusNotifierItem hosts and macOS take (64 px
// PNG; hosts scale down to the panel's size).
var (
	//go:embed icon-connected.png
	TrayConnected []byte
	//go:embed icon-disconnected.png
	TrayDisconnected []byte
	//go:embed icon-trouble.png
	TrayTrouble []byte
)
