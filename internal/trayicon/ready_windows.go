package trayicon

// setBeforeReady is false on Windows: systray refuses the icon and the
// tooltip until its window exists ("tray not ready yet"), which would leave
// an empty slot in the taskbar, so they are set in the ready callback.
const setBeforeReady = false
