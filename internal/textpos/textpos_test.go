package textpos

import "testing"

func TestLineCol(t *testing.T) {
	data := []byte("ab\ncd\n")
	for _, tt := range []struct {
		off       int64
		line, col int
	}{{0, 1, 1}, {1, 1, 2}, {3, 2, 1}, {4, 2, 2}, {6, 3, 1}, {99, 3, 1}, {-1, 1, 1}} {
		if l, c := LineCol(data, tt.off); l != tt.line || c != tt.col {
			t.Errorf("LineCol(%d) = %d,%d want %d,%d", tt.off, l, c, tt.line, tt.col)
		}
	}
}

func TestCounterScansForward(t *testing.T) {
	c := NewCounter([]byte("a\nb\nc"))
	for _, tt := range []struct {
		off       int64
		line, col int
	}{{0, 1, 1}, {2, 2, 1}, {4, 3, 1}, {1, 3, 1}} {
		if l, col := c.At(tt.off); l != tt.line || col != tt.col {
			t.Errorf("At(%d) = %d,%d want %d,%d", tt.off, l, col, tt.line, tt.col)
		}
	}
}
