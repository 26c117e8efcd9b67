package provider

import (
	"reflect"
	"testing"
)

func TestLogFields(t *testing.T) {
	t.Parallel()
	got := logFields([]any{"url", "https://x.example.org", "retry", 2, "dangling"})
	want := map[string]any{"url": "https://x.example.org", "retry": 2}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("logFields = %v, want %v", got, want)
	}
}
