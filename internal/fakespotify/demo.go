package fakespotify

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"sync"
	"time"
)

// DemoPlaylist is the made-up playlist spotray demo plays: short items so
// changes come quickly, a title with characters that markup and menus
// mangle, several artists, a podcast episode and a local file. Art paths
// point at the server's /demo-art/N.png.
func DemoPlaylist() []Item {
	return []Item{
		{Name: "Paper Lanterns", Artists: []string{"The Quiet Harbour"}, Album: "Low Tide Radio",
			Duration: 28 * time.Second, Image: artPath(1)},
		{Name: "snake_case & Sunsets", Artists: []string{"Mina Okafor", "The Underscores"}, Album: "Tabs & Spaces",
			Duration: 32 * time.Second, Image: artPath(2)},
		{Name: "Midnight Tram", Artists: []string{"Ola Brisk"}, Album: "Night Lines",
			Duration: 25 * time.Second, Image: artPath(3)},
		{Kind: KindEpisode, Name: "Episode 12: Why Trays Exist", Artists: []string{"Tiny Desktop Media"},
			Album: "The Tiny Desktop Podcast", Duration: 40 * time.Second, Image: artPath(4)},
		{Name: "Glass Orchard", Artists: []string{"Juno Vale", "Kestrel", "Ola Brisk"}, Album: "Greenhouse Sessions",
			Duration: 22 * time.Second, Image: artPath(5)},
		{Name: "Kitchen Demo (take 3)", Artists: []string{"Unknown Artist"}, Album: "Voice Memos",
			Duration: 20 * time.Second, Local: true},
	}
}

// demoColours are the two ends of each art image's gradient.
var demoColours = [][2]color.NRGBA{
	{{0xe9, 0x4f, 0x37, 0xff}, {0xf6, 0xc9, 0x0e, 0xff}},
	{{0x1e, 0xd7, 0x60, 0xff}, {0x0b, 0x3d, 0x2c, 0xff}},
	{{0x39, 0x3e, 0x98, 0xff}, {0x8e, 0x4f, 0xd6, 0xff}},
	{{0x0f, 0x80, 0x9f, 0xff}, {0xa8, 0xe6, 0xcf, 0xff}},
	{{0xd6, 0x3a, 0x85, 0xff}, {0x2b, 0x1b, 0x3f, 0xff}},
}

func artPath(n int) string { return fmt.Sprintf("/demo-art/%d.png", n) }

// demoArt is the served art by path, drawn once per process.
var demoArt = sync.OnceValue(func() map[string][]byte {
	art := make(map[string][]byte, len(demoColours))
	for i, c := range demoColours {
		art[artPath(i+1)] = drawArt(c[0], c[1])
	}
	return art
})

// drawArt is a diagonal gradient with a record-like disc, enough to tell
// the items apart in a tray menu or notification.
func drawArt(from, to color.NRGBA) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, artSize, artSize))
	mix := func(a, b uint8, t float64) uint8 { return uint8(float64(a) + (float64(b)-float64(a))*t) }
	const c, r2, hole2 = artSize / 2, (artSize * 3 / 8) * (artSize * 3 / 8), (artSize / 16) * (artSize / 16)
	for y := range artSize {
		for x := range artSize {
			t := float64(x+y) / float64(2*artSize-2)
			px := color.NRGBA{mix(from.R, to.R, t), mix(from.G, to.G, t), mix(from.B, to.B, t), 0xff}
			if d := (x-c)*(x-c) + (y-c)*(y-c); d < r2 && d > hole2 {
				px = color.NRGBA{px.R / 4, px.G / 4, px.B / 4, 0xff}
			}
			img.SetNRGBA(x, y, px)
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img) // writing to memory cannot fail
	return buf.Bytes()
}
