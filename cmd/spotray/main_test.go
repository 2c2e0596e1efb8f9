package main_test

import (
	"testing"

	"github.com/spotray/spotray/internal/testenv"
)

// TestMain removes the spotray binary built for these tests afterwards.
func TestMain(m *testing.M) { testenv.Main(m) }
