package assets

import _ "embed"

// Tray icons in the format the system tray takes on Windows (ICO, 16 to
// 64 px so that every display scale gets a drawn size rather than a
// resampled one).
var (
	//go:embed icon-connected.ico
	TrayConnected []byte
	//go:embed icon-disconnected.ico
	TrayDisconnected []byte
	//go:embed icon-trouble.ico
	TrayTrouble []byte
)
