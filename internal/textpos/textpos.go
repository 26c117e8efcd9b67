// Package textpos turns byte offsets into the 1-based lines and columns that
// error messages about a document name.
package textpos

// Counter turns increasing offsets into lines and columns, scanning the data
// once however many offsets are asked for (a document with many entries).
type Counter struct {
	data      []byte
	off       int64
	line, col int
}

// NewCounter counts positions in data.
func NewCounter(data []byte) *Counter { return &Counter{data: data, line: 1, col: 1} }

// At is the line and column of the byte at offset, clamped to the data. An
// offset before one asked for earlier gives the earlier position.
func (c *Counter) At(offset int64) (line, col int) {
	offset = min(max(offset, 0), int64(len(c.data)))
	for ; c.off < offset; c.off++ {
		if c.data[c.off] == '\n' {
			c.line++
			c.col = 1
		} else {
			c.col++
		}
	}
	return c.line, c.col
}

// LineCol is the line and column of one offset.
func LineCol(data []byte, offset int64) (line, col int) { return NewCounter(data).At(offset) }
