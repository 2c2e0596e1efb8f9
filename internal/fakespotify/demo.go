package fakespotify

// DemoPlaylist is the made-up playlist spotray demo plays: short tracks so
// changes come quickly, a title with characters that markup and menus
// mangle, several artists, a podcast episode and a local file.
func DemoPlaylist() []Item { return demoPlaylist() }
